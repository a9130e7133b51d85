#!/usr/bin/env node
// Benchmarks `gitseal seal` as a whole process (run after `npm run build`):
//   (a) seal-bulk: 1,000 Secrets × 3 keys from one multi-document input in one process (target ≤ 2 s wall)
//   (b) seal-cold: one Secret with a cert file, whole process, cold, median of ≥ 10 runs (target ≤ 200 ms)
// Prints `name: value unit (target …)` lines, then one JSON line for the bench driver.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'packages', 'cli', 'bin', 'gitseal.js');
const runs = Math.max(10, Number(process.env.GITSEAL_BENCH_RUNS ?? 15));
const dir = mkdtempSync(join(tmpdir(), 'gitseal-bench-'));

function gitseal(args, input) {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [bin, ...args], { input, maxBuffer: 256 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) {
    throw new Error(`gitseal ${args.join(' ')} exited ${result.status}: ${result.stderr.toString().trim()}`);
  }
  return { ms, stdout: result.stdout.toString() };
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
  const coldRuns = Array.from({ length: runs }, () => gitseal(['seal', '--cert', cert, '-f', oneFile]).ms);
  const coldMs = median(coldRuns);

  // For comparison in the same run: a bare node process.
  const nodeRuns = Array.from({ length: runs }, () => {
    const started = process.hrtime.bigint();
    spawnSync(process.execPath, ['-e', '0']);
    return Number(process.hrtime.bigint() - started) / 1e6;
  });
  const nodeMs = median(nodeRuns);

  const figures = {
    'seal-bulk-1000x3': { value: Math.round(bulkMs), unit: 'ms', target: '≤ 2000 ms' },
    'seal-cold-median': { value: Math.round(coldMs), unit: 'ms', target: '≤ 200 ms' },
    'node-startup-median': { value: Math.round(nodeMs), unit: 'ms', target: 'reference' },
  };
  for (const [name, f] of Object.entries(figures)) {
    console.log(`${name}: ${f.value} ${f.unit} (target ${f.target})`);
  }
  console.log(
    JSON.stringify({
      bench: 'seal',
      runs,
      bulkMs: Math.round(bulkMs),
      coldMedianMs: Math.round(coldMs),
      nodeStartupMedianMs: Math.round(nodeMs),
      ok: bulkMs <= 2000 && coldMs <= 200,
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
