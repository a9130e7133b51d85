import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { CliError } from '../cli-error.js';

/** The built front end of the installed @gitseal/ui package (its dist/ folder with index.html). */
export function uiAssetsDir(): string {
  let dir: string;
  try {
    dir = join(dirname(createRequire(import.meta.url).resolve('@gitseal/ui/package.json')), 'dist');
  } catch {
    throw new CliError('ui: the @gitseal/ui package is not installed');
  }
  if (!existsSync(join(dir, 'index.html'))) {
    throw new CliError(`ui: ${dir} holds no built front end (run npm run build)`);
  }
  return dir;
}
