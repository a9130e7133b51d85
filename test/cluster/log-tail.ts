import { readFileSync } from 'node:fs';

/** The last `lines` lines of a log file, or a note when it cannot be read. */
export function readLogTail(path: string, lines = 20): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return `(no log at ${path})`;
  }
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
