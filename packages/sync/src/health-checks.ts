import { runInContext, createContext } from 'node:vm';
import { Environment } from '@marcbachmann/cel-js';
import { isPlainObject, type HealthCheckSpec, type KubeObject } from '@gitseal/manifests';
import { staleGeneration } from './health-generic.js';
import { current, failed, inProgress, rec, type Health } from './health-fields.js';
import { groupOf } from './object-ref.js';
import { SyncError, SyncErrorCode } from './sync-error.js';

/** Caps on spec.healthChecks (the CRD enforces the same; a GitSync written past them still stalls here). */
export const MAX_HEALTH_CHECKS = 32;
export const MAX_EXPRESSION_LENGTH = 1024;
/** One evaluation's wall-clock budget: CEL has no loops, but nested macros over long lists or a regex can be slow. */
export const EVALUATION_TIMEOUT_MS = 250;
/**
 * What all the evaluations of one health poll may spend together (they run on the controller's only thread): a
 * tenant's slow expression over many objects costs at most this much per poll, then the rest waits for the next.
 */
export const POLL_BUDGET_MS = 100;

/** Milliseconds the evaluations of one poll may still spend (see POLL_BUDGET_MS). */
export interface EvaluationBudget {
  remainingMs: number;
}

export function pollBudget(): EvaluationBudget {
  return { remainingMs: POLL_BUDGET_MS };
}
const MAX_VALUE_DEPTH = 64;

/** In kstatus's order of precedence. */
const ORDER = ['inProgress', 'failed', 'current'] as const;
type ExpressionField = (typeof ORDER)[number];
const STATUS_OF = { inProgress, failed, current } as const;

type Evaluator = (context: Record<string, unknown>) => unknown;

export interface CompiledHealthCheck {
  /** `spec.healthChecks[2] (example.com Widget)`, for messages. */
  readonly name: string;
  readonly expressions: ReadonlyArray<{ readonly field: ExpressionField; readonly evaluate: Evaluator }>;
}

/** By `group/Kind` (the API version does not matter, as for the built-in rules). */
export type HealthChecks = ReadonlyMap<string, CompiledHealthCheck>;

export const healthCheckKey = (apiVersion: string, kind: string): string => `${groupOf(apiVersion)}/${kind}`;

/**
 * CEL as Flux evaluates `healthCheckExprs`: the object's top-level fields are the variables (`status.phase`),
 * optional chaining (`status.?ready.orValue(false)`) is on, and the AST size and nesting are capped at parse time.
 * No function of this environment reads anything but its arguments (no clock, no environment, no I/O).
 */
const environment = new Environment({
  unlistedVariablesAreDyn: true,
  enableOptionalTypes: true,
  limits: { maxAstNodes: 300, maxDepth: 32, maxListElements: 64, maxMapEntries: 64, maxCallArguments: 8 },
});

/** A bare context: evaluation runs under a vm timeout, which V8 enforces by terminating whatever JS is running. */
const sandbox = createContext({ job: undefined as (() => unknown) | undefined });

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? '').slice(0, 160);
}

function compileExpression(name: string, field: ExpressionField, source: string): Evaluator {
  const where = `${name} ${field}`;
  if (source.length > MAX_EXPRESSION_LENGTH) {
    throw new SyncError(SyncErrorCode.InvalidSpec, `${where}: longer than ${MAX_EXPRESSION_LENGTH} characters`);
  }
  let evaluate: Evaluator;
  let checked: { valid: boolean; type?: unknown; error?: unknown };
  try {
    evaluate = environment.parse(source) as unknown as Evaluator;
    checked = environment.check(source) as { valid: boolean; type?: unknown; error?: unknown };
  } catch (error) {
    const message = error instanceof Error ? firstLine(error.message) : 'cannot be parsed';
    throw new SyncError(SyncErrorCode.InvalidSpec, `${where}: invalid CEL expression: ${message}`);
  }
  if (!checked.valid) {
    const message = checked.error instanceof Error ? firstLine(checked.error.message) : 'type error';
    throw new SyncError(SyncErrorCode.InvalidSpec, `${where}: invalid CEL expression: ${message}`);
  }
  const type = String(checked.type);
  if (type !== 'bool' && type !== 'dyn') {
    throw new SyncError(SyncErrorCode.InvalidSpec, `${where}: must be a bool expression, not ${type}`);
  }
  return evaluate;
}

/**
 * Compiles spec.healthChecks, or throws a SyncError (InvalidSpec) naming the first bad entry: too many entries,
 * two for one kind, or an expression that is too long, does not parse or type-check, or is not a bool.
 */
export function compileHealthChecks(specs: readonly HealthCheckSpec[] | undefined): HealthChecks {
  const out = new Map<string, CompiledHealthCheck>();
  const list = specs ?? [];
  if (list.length > MAX_HEALTH_CHECKS) {
    throw new SyncError(SyncErrorCode.InvalidSpec, `spec.healthChecks: more than ${MAX_HEALTH_CHECKS} entries`);
  }
  list.forEach((spec, index) => {
    const kindName = `${groupOf(spec.apiVersion ?? '') || 'core'} ${spec.kind ?? ''}`;
    const name = `spec.healthChecks[${index}] (${kindName})`;
    if (typeof spec.apiVersion !== 'string' || typeof spec.kind !== 'string' || !spec.apiVersion || !spec.kind) {
      throw new SyncError(SyncErrorCode.InvalidSpec, `${name}: apiVersion and kind are required`);
    }
    const key = healthCheckKey(spec.apiVersion, spec.kind);
    if (out.has(key)) throw new SyncError(SyncErrorCode.InvalidSpec, `${name}: a second entry for ${kindName}`);
    if (typeof spec.current !== 'string' || spec.current === '') {
      throw new SyncError(SyncErrorCode.InvalidSpec, `${name}: current is required`);
    }
    const expressions = ORDER.flatMap((field) => {
      const source = spec[field];
      if (source === undefined || source === '') return [];
      if (typeof source !== 'string') throw new SyncError(SyncErrorCode.InvalidSpec, `${name} ${field}: not a string`);
      return [{ field, evaluate: compileExpression(name, field, source) }];
    });
    out.set(key, { name, expressions });
  });
  return out;
}

/** JSON → CEL values: integers become CEL ints (BigInt), as Kubernetes' own CEL reads them. */
function celValue(value: unknown, depth: number): unknown {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? BigInt(value) : value;
  if (depth >= MAX_VALUE_DEPTH) return value;
  if (Array.isArray(value)) return value.map((v) => celValue(v, depth + 1));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = celValue(v, depth + 1);
    return out;
  }
  return value;
}

/**
 * Fixed phrases only: a CEL error can quote a value of the object (`No such key: <the evaluated index>`), so not
 * even a key is repeated.
 */
function evaluationProblem(error: unknown): string {
  const message = error instanceof Error ? firstLine(error.message) : '';
  if (message.startsWith('No such key')) return 'no such key';
  if (message.startsWith('Unknown variable')) return 'unknown variable';
  if ((error as { code?: unknown } | undefined)?.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') return 'took too long';
  return 'evaluation error';
}

function run(evaluate: Evaluator, context: Record<string, unknown>, budget: EvaluationBudget): unknown {
  sandbox['job'] = () => evaluate(context);
  const started = performance.now();
  try {
    const timeout = Math.max(1, Math.min(EVALUATION_TIMEOUT_MS, Math.floor(budget.remainingMs)));
    return runInContext('job()', sandbox, { timeout });
  } finally {
    sandbox['job'] = undefined;
    budget.remainingMs -= performance.now() - started;
  }
}

/** The object as the expressions see it: a Secret without its values (an expression must not read them out). */
function celContext(object: KubeObject): Record<string, unknown> {
  const visible =
    groupOf(object.apiVersion) === '' && object.kind === 'Secret'
      ? Object.fromEntries(Object.entries(object).filter(([key]) => key !== 'data' && key !== 'stringData'))
      : object;
  // `metadata`, `spec` and `status` are always there (empty when the object has none yet), so
  // `status.?phase.orValue('')` works on an object no controller has written a status to.
  return { metadata: {}, spec: {}, status: {}, ...(celValue(visible, 0) as Record<string, unknown>) };
}

/**
 * Flux's CEL health reader: a generation not yet observed is InProgress without evaluating anything; then the
 * expressions in the order inProgress, failed, current, and the first true one decides; none true is InProgress.
 * An expression that errors (e.g. a field not there yet) or is not a bool leaves the object InProgress.
 */
export function evaluateHealthCheck(
  check: CompiledHealthCheck,
  object: KubeObject,
  budget: EvaluationBudget = pollBudget(),
): Health {
  if (object.metadata?.deletionTimestamp) return inProgress('being deleted');
  const stale = staleGeneration(object, rec(object['status']));
  if (stale) return stale;
  const context = celContext(object);
  for (const { field, evaluate } of check.expressions) {
    if (budget.remainingMs <= 0) return inProgress(`${check.name}: not evaluated yet (this poll's time is used up)`);
    let result: unknown;
    try {
      result = run(evaluate, context, budget);
    } catch (error) {
      return inProgress(`${check.name} ${field}: ${evaluationProblem(error)}`);
    }
    if (typeof result !== 'boolean') return inProgress(`${check.name} ${field}: not a bool`);
    if (result) return STATUS_OF[field](`${check.name}: ${field} is true`);
  }
  return inProgress(`${check.name}: no expression is true yet`);
}
