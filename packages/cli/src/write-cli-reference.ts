// `npm run docs`: regenerates docs/cli.md from the commander definitions.
import { writeFileSync } from 'node:fs';
import { renderCliReference } from './cli-reference.js';
import { createProgram } from './program.js';

const target = new URL('../../../docs/cli.md', import.meta.url);
writeFileSync(target, renderCliReference(createProgram(() => undefined)));
console.log(`wrote ${target.pathname}`);
