// The metric names a PromQL expression reads, for checking dashboards and alert rules against a live /metrics.
// A small tokenizer, not a parser: identifiers that are not followed by `(` (functions, aggregations), not PromQL
// keywords, not inside label matchers `{...}`, strings, ranges `[...]` or grouping lists `by (...)`, and not
// Grafana variables (`$__rate_interval`, `${datasource}`).

const KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'offset',
  'bool',
  'inf',
  'nan',
  'start',
  'end',
]);

/** Aggregation operators, which may take their grouping before the parenthesized expression. */
const AGGREGATIONS = new Set([
  'sum',
  'min',
  'max',
  'avg',
  'group',
  'stddev',
  'stdvar',
  'count',
  'count_values',
  'bottomk',
  'topk',
  'quantile',
  'limitk',
  'limit_ratio',
]);

/** Keywords followed by a parenthesized list of label names, not an expression. */
const GROUPING = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);

/** Skips from `open` at `i` to just past its matching `close`, stepping over quoted strings. */
function skipBalanced(expr: string, i: number, open: string, close: string): number {
  let depth = 0;
  for (let j = i; j < expr.length; j++) {
    const c = expr[j];
    if (c === '"' || c === "'" || c === '`') j = skipString(expr, j) - 1;
    else if (c === open) depth++;
    else if (c === close && --depth === 0) return j + 1;
  }
  throw new Error(`unbalanced ${open} in PromQL: ${expr}`);
}

function skipString(expr: string, i: number): number {
  const quote = expr[i];
  for (let j = i + 1; j < expr.length; j++) {
    if (expr[j] === '\\' && quote !== '`') j++;
    else if (expr[j] === quote) return j + 1;
  }
  throw new Error(`unterminated string in PromQL: ${expr}`);
}

/** Where the token at `i` (not an identifier) ends: strings, matchers, ranges, comments, variables, numbers. */
function skipOther(expr: string, i: number): number {
  const c = expr[i] ?? '';
  if (c === '"' || c === "'" || c === '`') return skipString(expr, i);
  if (c === '{') return skipBalanced(expr, i, '{', '}');
  if (c === '[') return skipBalanced(expr, i, '[', ']');
  if (c === '#') {
    const end = expr.indexOf('\n', i);
    return end < 0 ? expr.length : end;
  }
  if (c === '$') return i + (/^\$(\{[^}]*\}|\w+)/.exec(expr.slice(i))?.[0].length ?? 1);
  // Numbers and durations (5m, 1.5e3, 0x1f): never names.
  if (/[0-9.]/.test(c)) return i + (/^[0-9.][0-9a-zA-Z_.+]*/.exec(expr.slice(i))?.[0].length ?? 1);
  return i + 1;
}

/**
 * The identifier `word` that ends at `i`: where scanning goes on, and whether it is a metric name (not a function
 * or aggregation, not a keyword; a grouping keyword's label list is skipped).
 */
function afterIdentifier(expr: string, word: string, i: number): { next: number; metric: boolean } {
  const rest = expr.slice(i);
  const following = /^\s*(.?)/.exec(rest)?.[1] ?? '';
  const lower = word.toLowerCase();
  if (GROUPING.has(lower)) {
    return { next: following === '(' ? skipBalanced(expr, i + rest.indexOf('('), '(', ')') : i, metric: false };
  }
  // `sum by (le) (...)`: an aggregation whose grouping list comes first.
  if (AGGREGATIONS.has(lower) && /^\s*(by|without)\b/i.test(rest)) return { next: i, metric: false };
  return { next: i, metric: following !== '(' && !KEYWORDS.has(lower) };
}

/** The distinct metric names `expr` selects, in order of first use. */
export function promqlMetricNames(expr: string): string[] {
  const names: string[] = [];
  let i = 0;
  while (i < expr.length) {
    const word = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(expr.slice(i))?.[0];
    if (!word) {
      i = skipOther(expr, i);
      continue;
    }
    const { next, metric } = afterIdentifier(expr, word, i + word.length);
    if (metric && !names.includes(word)) names.push(word);
    i = next;
  }
  return names;
}

/** Histogram series a family stands for: `x_bucket`, `x_sum` and `x_count` all belong to family `x`. */
export function histogramFamily(name: string): string | undefined {
  return /^(.*)_(bucket|sum|count)$/.exec(name)?.[1];
}
