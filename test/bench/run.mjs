#!/usr/bin/env node
// `npm run bench`: runs every benchmark script in this folder (after `npm run build`) and prints their figures.
// Each script prints human lines and one final JSON line; this driver collects the JSON into bench-results.json
// (not committed) so RESULTS.md can be updated from one run.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { summaryTable } from './_summary.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv.slice(2);
// Scripts that run more than once with settings of their own, each recorded under its own name.
const VARIANTS = {
  'controller.mjs': [
    { name: 'controller.mjs', env: {} },
    // A plain sealed-secrets controller (no sync engine), like Bitnami's: the anchor is the first run's.
    { name: 'controller.mjs@no-sync', env: { GITSEAL_BENCH_CONTROLLER_ARGS: '--no-sync', GITSEAL_BENCH_BITNAMI: '0' } },
    { name: 'controller.mjs@10000', env: { GITSEAL_BENCH_SEALED_SECRETS: '10000' } },
  ],
};
const scripts = readdirSync(here)
  .filter((f) => f.endsWith('.mjs') && f !== 'run.mjs' && !f.startsWith('_'))
  .sort()
  .flatMap((f) => (VARIANTS[f] ?? [{ name: f, env: {} }]).map((v) => ({ ...v, file: f })))
  .filter((v) => only.length === 0 || only.some((o) => v.name.includes(o)));

// `npm run bench -- sync` replaces only sync.mjs's entry: the other scripts' last figures stay.
const resultsPath = join(here, 'bench-results.json');
const previous = existsSync(resultsPath) ? JSON.parse(readFileSync(resultsPath, 'utf8')) : {};
const results = { ...previous.results };
let failed = false;
const started = Date.now();
for (const { name: script, file, env } of scripts) {
  console.log(`\n## ${script}`);
  const scriptStarted = Date.now();
  const run = spawnSync(process.execPath, [join(here, file)], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const lines = run.stdout.trimEnd().split('\n');
  const last = lines.at(-1) ?? '';
  console.log(lines.filter((l) => l !== last || !l.startsWith('{')).join('\n'));
  console.log(`(${script}: ${Math.round((Date.now() - scriptStarted) / 1000)} s)`);
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
console.log(`\n## summary (${scripts.length} runs in ${Math.round((Date.now() - started) / 60_000)} min)\n`);
console.log(summaryTable(results));
process.exit(failed ? 1 : 0);
