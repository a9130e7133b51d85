#!/usr/bin/env node
// npm run -s image -- build [--out FILE] [--app-out FILE]
//   build gitseal's images without a Docker engine (bases once into ~/.cache/gitseal/image, then
//   deploy/Dockerfile and the e2e app); --out / --app-out write OCI archives for `ctr -n k8s.io images import`.
//   Prints the image names, one a line.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ImageError } from './image-error.js';
import { buildImages } from './images.js';

const usage = 'usage: npm run -s image -- build [--out FILE] [--app-out FILE]';

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      'app-out': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const [command, ...rest] = positionals;
  if (rest.length > 0) throw new Error(`unexpected argument ${rest[0]}; ${usage}`);
  if (command !== 'build') throw new Error(command ? `unknown command ${command}; ${usage}` : usage);
  const built = await buildImages({
    ...(values.out ? { out: resolve(values.out) } : {}),
    ...(values['app-out'] ? { appOut: resolve(values['app-out']) } : {}),
  });
  console.error(`gitseal image: built in ${built.seconds.toFixed(0)}s`);
  console.log(built.controller);
  console.log(built.app);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    const prefix = error instanceof ImageError ? `gitseal image: ${error.code}: ` : 'gitseal image: ';
    console.error(prefix + message);
    process.exit(1);
  },
);
