#!/usr/bin/env node
// Benchmarks `gitseal seal` as a whole process (run after `npm run build`):
//   (a) seal-bulk: 1,000 Secrets × 3 keys from one multi-document input in one process (target ≤ 2 s wall)
//   (b) start-up (issue 17): one Secret with a cert file, stdin from a file, whole process, median of ≥ 15 runs,
//       interleaved round-robin with a bare `node -e 0` (the anchor, same run): target ≤ 1.3× node. Beside it, for
//       the record: the same without the code cache (GITSEAL_COMPILE_CACHE=off), the unbundled tsc output (ES
//       modules, what the bin ran before), `gitseal --help`, the first run (which writes the code cache), and peak
//       RSS (process.resourceUsage().maxRSS at exit, through a --require preload, in separate runs).
// Prints `name: value unit (target …)` lines, then one JSON line for the bench driver.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kubesealCacheDir } from '../dist/cluster/kubeseal-binary.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'packages', 'cli', 'bin', 'gitseal.js');
const unbundledEntry = join(root, 'packages', 'cli', 'dist', 'cli-entry.js');
const runs = Math.max(15, Number(process.env.GITSEAL_BENCH_RUNS ?? 21));
const dir = mkdtempSync(join(tmpdir(), 'gitseal-bench-'));
// Bitnami's kubeseal v0.40.0 as a second anchor, when the tools step built it (in the real cache, not this run's).
const kubeseal = join(kubesealCacheDir(), 'kubeseal');
const hasKubeseal = existsSync(kubeseal);
const env = { ...process.env, XDG_CACHE_HOME: join(dir, 'cache') }; // a code cache of this run's own

function gitseal(args, input) {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [bin, ...args], { input, env, maxBuffer: 256 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) {
    throw new Error(`gitseal ${args.join(' ')} exited ${result.status}: ${result.stderr.toString().trim()}`);
  }
  return { ms, stdout: result.stdout.toString() };
}

/** Wall time of one process, stdin from a file (as `… < secret.yaml`), output discarded. */
function timeProcess(argv, stdinFile, extraEnv = {}) {
  const stdin = openSync(stdinFile, 'r');
  try {
    const started = process.hrtime.bigint();
    const result = spawnSync(argv[0], argv.slice(1), {
      stdio: [stdin, 'ignore', 'pipe'],
      env: { ...env, ...extraEnv },
    });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (result.status !== 0) throw new Error(`${argv.join(' ')} exited ${result.status}: ${result.stderr}`);
    return ms;
  } finally {
    closeSync(stdin);
  }
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function secretYaml(i) {
  const b64 = (s) => Buffer.from(s).toString('base64');
  return [
    'apiVersion: v1',
    'kind: Secret',
    'metadata:',
    `  name: bench-${i}`,
    '  namespace: bench',
    'data:',
    `  username: ${b64(`user-${i}`)}`,
    `  password: ${b64(`password-${i}-${'x'.repeat(24)}`)}`,
    `  token: ${b64(`token-${i}-${'y'.repeat(40)}`)}`,
  ].join('\n');
}

try {
  // The production key size: RSA-4096, as the controller makes.
  const key = join(dir, 'bench.key');
  const cert = join(dir, 'bench.crt');
  gitseal(['keygen', '--out-key', key, '--out-cert', cert, '--bits', '4096']);

  const bulkInput = Array.from({ length: 1000 }, (_, i) => secretYaml(i)).join('\n---\n') + '\n';
  const bulkFile = join(dir, 'bulk.yaml');
  writeFileSync(bulkFile, bulkInput);
  gitseal(['seal', '--cert', cert, '-f', bulkFile]); // warm the file cache once
  const bulkRuns = [1, 2, 3].map(() => gitseal(['seal', '--cert', cert, '-f', bulkFile]));
  const sealed = bulkRuns[0].stdout.match(/^kind: SealedSecret$/gm)?.length ?? 0;
  if (sealed !== 1000) throw new Error(`expected 1000 SealedSecrets, got ${sealed}`);
  const bulkMs = median(bulkRuns.map((r) => r.ms));

  const oneFile = join(dir, 'one.yaml');
  writeFileSync(oneFile, secretYaml(0) + '\n');
  const seal = [process.execPath, bin, 'seal', '--cert', cert];
  const firstMs = timeProcess(seal, oneFile); // no code cache yet for seal: this run writes it
  const unbundledRunner = join(dir, 'unbundled.mjs');
  writeFileSync(
    unbundledRunner,
    `const { run } = await import(${JSON.stringify(unbundledEntry)});\nprocess.exitCode = await run(process.argv);\n`,
  );
  const variants = {
    node: [[process.execPath, '-e', '0']],
    seal: [seal],
    sealNoCache: [seal, { GITSEAL_COMPILE_CACHE: 'off' }],
    sealUnbundled: [[process.execPath, unbundledRunner, 'seal', '--cert', cert]],
    help: [[process.execPath, bin, '--help']],
    ...(hasKubeseal ? { kubeseal: [[kubeseal, '--cert', cert, '-o', 'yaml']] } : {}),
  };
  timeProcess([process.execPath, bin, '--help'], oneFile); // its code cache too
  const times = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
  for (let i = 0; i < runs; i++) {
    for (const [name, [argv, extraEnv]] of Object.entries(variants))
      times[name].push(timeProcess(argv, oneFile, extraEnv));
  }
  const ms = Object.fromEntries(Object.entries(times).map(([name, values]) => [name, median(values)]));

  // Peak RSS, in separate runs: a preload records process.resourceUsage().maxRSS (KiB) at exit.
  const rssFile = join(dir, 'rss');
  const preload = join(dir, 'rss.cjs');
  writeFileSync(
    preload,
    `process.on('exit', () => require('node:fs').appendFileSync(${JSON.stringify(rssFile)}, process.resourceUsage().maxRSS + '\\n'));\n`,
  );
  const rssOf = (argv) => {
    writeFileSync(rssFile, '');
    for (let i = 0; i < 5; i++) timeProcess([argv[0], '--require', preload, ...argv.slice(1)], oneFile);
    return median(readFileSync(rssFile, 'utf8').trim().split('\n').map(Number)) / 1024;
  };
  const sealRss = rssOf(seal);
  const nodeRss = rssOf([process.execPath, '-e', '0']);

  const ratio = ms.seal / ms.node;
  const r2 = (x) => Math.round(x * 100) / 100;
  const kubesealFigures = hasKubeseal
    ? {
        'kubeseal-one-median': { value: Math.round(ms.kubeseal), unit: 'ms', target: 'anchor' },
        'seal-one-vs-kubeseal': { value: r2(ms.seal / ms.kubeseal), unit: '×', target: 'reference' },
      }
    : {};
  const figures = {
    'seal-bulk-1000x3': { value: Math.round(bulkMs), unit: 'ms', target: '≤ 2000 ms' },
    'seal-one-median': { value: Math.round(ms.seal), unit: 'ms', target: `≤ 1.3 × node -e 0` },
    'node-startup-median': { value: Math.round(ms.node), unit: 'ms', target: 'anchor' },
    'seal-one-vs-node': { value: r2(ratio), unit: '×', target: '≤ 1.3' },
    'seal-one-no-code-cache-median': { value: Math.round(ms.sealNoCache), unit: 'ms', target: 'comparison' },
    'seal-one-unbundled-median': { value: Math.round(ms.sealUnbundled), unit: 'ms', target: 'comparison' },
    'seal-one-first-run': { value: Math.round(firstMs), unit: 'ms', target: 'writes the code cache' },
    'help-median': { value: Math.round(ms.help), unit: 'ms', target: 'reference' },
    'seal-one-rss': { value: Math.round(sealRss * 10) / 10, unit: 'MiB', target: 'reference' },
    'node-rss': { value: Math.round(nodeRss * 10) / 10, unit: 'MiB', target: 'anchor' },
    ...kubesealFigures,
  };
  for (const [name, f] of Object.entries(figures)) {
    console.log(`${name}: ${f.value} ${f.unit} (target ${f.target})`);
  }
  console.log(
    JSON.stringify({
      bench: 'seal',
      runs,
      bulkMs: Math.round(bulkMs),
      ...Object.fromEntries(Object.entries(ms).map(([name, value]) => [`${name}MedianMs`, Math.round(value)])),
      sealVsNode: r2(ratio),
      ...(hasKubeseal ? { sealVsKubeseal: r2(ms.seal / ms.kubeseal) } : {}),
      firstRunMs: Math.round(firstMs),
      sealRssMiB: Math.round(sealRss * 10) / 10,
      nodeRssMiB: Math.round(nodeRss * 10) / 10,
      ok: bulkMs <= 2000 && ratio <= 1.3,
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
