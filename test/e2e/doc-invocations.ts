// Finds the `gitseal …` and `gitseal-controller …` invocations that Markdown documentation names (in code blocks
// and inline code) and checks their commands and flags against what the programs' --help says they have.

/** One invocation a document names: the program and the words after it, with where it stands. */
export interface DocInvocation {
  readonly file: string;
  readonly line: number;
  readonly program: 'gitseal' | 'gitseal-controller';
  readonly words: readonly string[];
  readonly text: string;
}

/** What `<program> <path…> --help` says a command has. */
export interface CommandHelp {
  /** Every spelling of every option, `-n` and `--namespace` alike. */
  readonly options: ReadonlySet<string>;
  readonly subcommands: readonly string[];
}

const PROGRAMS: readonly [RegExp, DocInvocation['program']][] = [
  [/^(?:kubectl[ -])?gitseal-controller(?:\s+|$)/, 'gitseal-controller'],
  [/^(?:kubectl[ -])?gitseal(?:\s+|$)/, 'gitseal'],
];

/** Shell text split where another command starts: `&&`, `||`, `;`, ` | `, `$(`, `(`, and `exec … -- `. */
function segments(code: string): string[] {
  return code.split(/&&|\|\||;|\s\|\s|\$\(|\(|\s--\s/).map((s) =>
    s
      .trim()
      .replace(/^\$\s+/, '')
      .replace(/^(?:[A-Z_][A-Z0-9_]*=\S*\s+)+/, ''),
  );
}

function invocationsIn(code: string, file: string, line: number): DocInvocation[] {
  const found: DocInvocation[] = [];
  for (const segment of segments(code)) {
    for (const [pattern, program] of PROGRAMS) {
      const match = pattern.exec(segment);
      if (!match) continue;
      const rest = segment.slice(match[0].length).trim();
      found.push({ file, line, program, words: rest === '' ? [] : rest.split(/\s+/), text: segment });
      break;
    }
  }
  return found;
}

/** A shell comment: `#` at the start or after whitespace, to the end of the line. */
const stripComment = (line: string): string => line.replace(/(^|\s)#.*$/, '');

/** The invocations a Markdown text names, in fenced code blocks (comments dropped) and inline code spans. */
export function findInvocations(file: string, markdown: string): DocInvocation[] {
  const found: DocInvocation[] = [];
  let fenced = false;
  markdown.split('\n').forEach((text, index) => {
    const line = index + 1;
    if (/^\s*(```|~~~)/.test(text)) {
      fenced = !fenced;
      return;
    }
    if (fenced) {
      found.push(...invocationsIn(stripComment(text), file, line));
      return;
    }
    for (const span of text.matchAll(/`([^`]+)`/g)) found.push(...invocationsIn(span[1] ?? '', file, line));
  });
  return found;
}

/** Options and subcommands from commander's help text. */
export function parseHelp(help: string): CommandHelp {
  const options = new Set<string>();
  const subcommands: string[] = [];
  let section = '';
  for (const line of help.split('\n')) {
    const heading = /^(\w[\w ]*):$/.exec(line);
    if (heading) {
      section = heading[1] ?? '';
      continue;
    }
    const entry = /^ {2}(\S.*?)(?: {2,}|$)/.exec(line)?.[1];
    if (entry === undefined) continue;
    if (section === 'Options')
      for (const flag of entry.matchAll(/(?:^|[ ,])(--?[\w][\w-]*)/g)) options.add(flag[1] ?? '');
    if (section === 'Commands') {
      const name = /^[a-z][\w-]*/.exec(entry)?.[0];
      if (name !== undefined && name !== 'help') subcommands.push(name);
    }
  }
  return { options, subcommands };
}

/** A word of a documented invocation without the brackets and punctuation of prose (`[--timeout`, `--wait,`). */
const bare = (word: string): string => word.replace(/^[[(<]+/, '').replace(/[\]),.>]+$/, '');

/**
 * What is wrong with one invocation: a subcommand the program does not have, or an option the command it names
 * does not take. `help(path)` answers `<program> <path…> --help`. Each problem names the file and line.
 */
export async function checkInvocation(
  invocation: DocInvocation,
  help: (path: readonly string[]) => Promise<CommandHelp>,
): Promise<string[]> {
  const problems: string[] = [];
  const where = `${invocation.file}:${invocation.line}`;
  const path: string[] = [];
  let current = await help(path);
  let resolving = true;
  for (const raw of invocation.words) {
    const word = bare(raw);
    if (word.startsWith('-') && word.length > 1 && word !== '--') {
      const flag = word.split('=')[0] ?? word;
      if (/^--?[\w][\w-]*$/.test(flag) && !current.options.has(flag)) {
        const command = [invocation.program, ...path].join(' ');
        problems.push(`${where}: \`${invocation.text}\`: ${command} has no option ${flag}`);
      }
      continue;
    }
    if (!resolving || current.subcommands.length === 0) {
      resolving = false;
      continue;
    }
    resolving = false;
    const names = word.split('|');
    if (!names.every((n) => /^[a-z][a-z0-9-]*$/.test(n))) continue; // a file, a placeholder, a redirection
    const missing = names.filter((n) => !current.subcommands.includes(n));
    if (missing.length > 0) {
      const command = [invocation.program, ...path].join(' ');
      problems.push(`${where}: \`${invocation.text}\`: ${command} has no command ${missing.join(', ')}`);
      break;
    }
    path.push(names[0] ?? '');
    current = await help(path);
    resolving = true;
  }
  return problems;
}
