#!/usr/bin/env node
// `npm run bench`: runs every benchmark script in this folder (after `npm run build`) and prints their figures.
// Each script prints human lines and one final JSON line; this driver collects the JSON into bench-results.json
// (not committed) so RESULTS.md can be updated from one run.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv.slice(2);
const scripts = readdirSync(here)
  .filter((f) => f.endsWith('.mjs') && f !== 'run.mjs' && !f.startsWith('_'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

// `npm run bench -- sync` replaces only sync.mjs's entry: the other scripts' last figures stay.
const resultsPath = join(here, 'bench-results.json');
const previous = existsSync(resultsPath) ? JSON.parse(readFileSync(resultsPath, 'utf8')) : {};
const results = { ...previous.results };
let failed = false;
for (const script of scripts) {
  console.log(`\n## ${script}`);
  const run = spawnSync(process.execPath, [join(here, script)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = run.stdout.trimEnd().split('\n');
  const last = lines.at(-1) ?? '';
  console.log(lines.filter((l) => l !== last || !l.startsWith('{')).join('\n'));
  if (run.status !== 0) {
    failed = true;
    console.log(`${script} failed with exit ${run.status}`);
    continue;
  }
  try {
    results[script] = { at: new Date().toISOString(), ...JSON.parse(last) };
  } catch {
    results[script] = { at: new Date().toISOString(), output: lines };
  }
}
writeFileSync(resultsPath, JSON.stringify({ results }, null, 2) + '\n');
process.exit(failed ? 1 : 0);
