import { join, relative, sep } from 'node:path';
import { hasControlChars } from './control-chars.js';
import { isInside } from './source-path.js';

/** Where a failed build ran: absolute paths in kustomize's stderr are shown relative to `root`. */
export interface KustomizeErrorContext {
  /** The checkout (real path). */
  readonly root: string;
  /** The directory kustomize was asked to build. */
  readonly dir: string;
}

// kustomize quotes manifest content in its errors (a literal that is not key=value, a line of an env file,
// labels of an object without a name), so nothing of its stderr is passed on as text: only a fixed kind, and
// the paths and numbers that name where, checked to be inside the checkout.
const PATH = String.raw`(/[^'"\s:]+)`;
const IN_PATH = new RegExp(String.raw`(?:recursed accumulation of path|couldn't make target for path) '${PATH}'`, 'g');
const NOT_FOUND = new RegExp(String.raw`lstat ${PATH}: no such file or directory`);
const NO_KUSTOMIZATION = new RegExp(String.raw`unable to find one of .* in directory '${PATH}'`);
const BUILT_AT = new RegExp(String.raw`must build at directory: '${PATH}'`);
// kustomize ends a YAML error with " in File: <name>"; the reason before it may quote the file, so the last one.
const IN_FILE = / in File: ([\w./-]+)/g;
const YAML_LINE = /yaml: line (\d+):/;
const DUPLICATE_ID = /already registered id: ([A-Za-z][A-Za-z0-9]{0,62})\.[^/\s]*\/([a-z0-9][a-z0-9.-]{0,252})\.\[/;

/** `abs` as a repository path, or undefined when it is outside the checkout or not a plain path. */
function repoPath(context: KustomizeErrorContext, abs: string): string | undefined {
  if (!isInside(context.root, abs)) return undefined;
  const rel = relative(context.root, abs);
  if (hasControlChars(rel) || rel.length > 512) return undefined;
  return rel === '' ? '.' : rel.split(sep).join('/');
}

const lastMatch = (text: string, pattern: RegExp): RegExpMatchArray | undefined => [...text.matchAll(pattern)].at(-1);

/** The innermost kustomization directory the error came from (a base, when the overlay pulled one in). */
function innermostDir(text: string, context: KustomizeErrorContext): string {
  return lastMatch(text, IN_PATH)?.[1] ?? context.dir;
}

const where = (shown: string | undefined, prefix = ' in '): string => (shown ? `${prefix}${shown}` : '');

function kustomizationKind(text: string, dir: string | undefined): string | undefined {
  if (!text.includes('invalid Kustomization')) return undefined;
  const yaml = YAML_LINE.exec(text);
  if (yaml) return `invalid YAML in the kustomization${where(dir, ' of ')} (line ${yaml[1]})`;
  // Not even the field's name: it is a key of the file, and a pasted value can end up as a key.
  if (text.includes('unknown field')) return `unknown field in the kustomization${where(dir, ' of ')}`;
  return `invalid kustomization${where(dir)}`;
}

function missingKind(text: string, context: KustomizeErrorContext): string | undefined {
  const noKustomization = NO_KUSTOMIZATION.exec(text);
  if (noKustomization?.[1]) return `no kustomization in ${repoPath(context, noKustomization[1]) ?? 'a directory'}`;
  const missing = NOT_FOUND.exec(text);
  if (!missing?.[1]) return undefined;
  const shown = repoPath(context, missing[1]) ?? 'outside the repository';
  return text.includes('loading KV pairs') ? `missing generator file ${shown}` : `missing resource ${shown}`;
}

function resourceKind(text: string, context: KustomizeErrorContext): string | undefined {
  const built = BUILT_AT.exec(text)?.[1];
  const file = built ? repoPath(context, built) : undefined;
  if (/missing (kind|metadata\.name) in object|missing Resource metadata/.test(text))
    return `object without apiVersion, kind or metadata.name${where(file)}`;
  if (text.includes('already registered id')) {
    const id = DUPLICATE_ID.exec(text);
    return `duplicate object${id ? ` ${id[1]}/${id[2]}` : ''}${where(file)}`;
  }
  return undefined;
}

/**
 * Turns kustomize's stderr into a short, safe description of what went wrong: one of a fixed set of kinds
 * ("missing resource <path>", "invalid YAML in <path> (line N)", "unknown field", "accumulating resources",
 * …) with repository paths only, never text taken from the manifests. Undefined when nothing matched.
 */
export function describeKustomizeError(stderr: string, context: KustomizeErrorContext): string | undefined {
  const text = stderr.replace(/\s+/g, ' ');
  const dir = innermostDir(text, context);
  const shownDir = repoPath(context, dir);
  const inFile = text.includes('MalformedYAMLError') ? lastMatch(text, IN_FILE)?.[1] : undefined;
  if (inFile) {
    const line = YAML_LINE.exec(text);
    return `invalid YAML${where(repoPath(context, join(dir, inFile)))}${line ? ` (line ${line[1]})` : ''}`;
  }
  const known = kustomizationKind(text, shownDir) ?? missingKind(text, context) ?? resourceKind(text, context);
  if (known) return known;
  if (/proxyconnect|failed to run '\S*git|Get "https?:|git cloner/.test(text))
    return 'remote resource could not be loaded (remote resources are not allowed)';
  if (/no resource matches|failed to find unique target|no matches for Id/.test(text)) return 'patch target not found';
  if (text.includes('illegally repeats the key')) return 'a generator repeats a key';
  if (text.includes('loading KV pairs'))
    return `invalid generator input${text.includes('expected key=value') ? ' (expected key=value)' : ''}`;
  if (text.includes('MalformedYAMLError')) return 'invalid YAML';
  if (text.includes('accumulating resources')) return `accumulating resources${where(shownDir, ' from ')}`;
  return undefined;
}
