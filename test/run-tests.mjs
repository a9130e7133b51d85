#!/usr/bin/env node
// Runs the compiled tests with Node's test runner. Node 20 does not expand globs, so the file list is built here.
//   --unit  only packages/*/dist/**/*.test.js and the harness's and demo's own test/dist/{cluster,demo}/*.test.js
//   --e2e   only test/dist/e2e/**/*.test.js
//   --node  only the node tier, test/dist/e2e-node/**/*.test.js, against one real node cluster started here
//   other arguments are substrings that select files
// Without --unit/--e2e/--node: unit and e2e, then the node tier when CI is set (or GITSEAL_NODE_TESTS=1).
// Each tier prints the runner's own summary; the last line sums them up ("total: N passed, N failed").
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const only = ['--unit', '--e2e', '--node'].filter((flag) => args.includes(flag));
const filters = args.filter((a) => !a.startsWith('--'));
const ci = !['', 'false', '0'].includes((process.env.CI ?? '').trim().toLowerCase());
const wants = (flag) =>
  only.length > 0 ? only.includes(flag) : flag !== '--node' || ci || process.env.GITSEAL_NODE_TESTS === '1';

function testFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return testFiles(path);
    return name.endsWith('.test.js') ? [path] : [];
  });
}

const selected = (files) => files.filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)));
const unit = wants('--unit')
  ? [
      ...readdirSync(join(root, 'packages')).flatMap((p) => testFiles(join(root, 'packages', p, 'dist'))),
      ...testFiles(join(root, 'test', 'dist', 'cluster')),
      ...testFiles(join(root, 'test', 'dist', 'demo')),
    ]
  : [];
const e2e = wants('--e2e') ? testFiles(join(root, 'test', 'dist', 'e2e')) : [];
const node = wants('--node') ? testFiles(join(root, 'test', 'dist', 'e2e-node')) : [];
const first = selected([...unit, ...e2e]);
const nodeFiles = selected(node);

if (first.length + nodeFiles.length === 0) {
  console.error('run-tests: no compiled test files found; run `npm run build` first');
  process.exit(1);
}
console.error(
  `run-tests: ${unit.length} unit, ${e2e.length} e2e and ${node.length} node files; running ${first.length + nodeFiles.length}`,
);
if (only.length === 0 && !wants('--node')) {
  console.error('run-tests: the node tier is not run here (set CI or GITSEAL_NODE_TESTS=1, or npm run test:node)');
}

const totals = { pass: 0, fail: 0, skipped: 0 };

/** Runs one tier, streaming its output, and adds its summary lines to the totals. */
function runTier(files, concurrency, env = process.env) {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--test', `--test-concurrency=${concurrency}`, ...files.map((f) => relative(root, f))],
      { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let tail = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      tail = (tail + chunk.toString()).slice(-4000);
    });
    child.on('close', (code) => {
      for (const key of Object.keys(totals)) {
        const match = new RegExp(`^# ${key} (\\d+)$`, 'm').exec(tail);
        totals[key] += match ? Number(match[1]) : 0;
      }
      resolve(code ?? 1);
    });
  });
}

let status = 0;
if (first.length > 0) status = await runTier(first, process.env.GITSEAL_TEST_CONCURRENCY ?? '2');
if (nodeFiles.length > 0) status = (await runNodeTier(nodeFiles)) || status;
console.log(`total: ${totals.pass} passed, ${totals.fail} failed, ${totals.skipped} skipped`);
process.exit(status);

/** One node cluster for the whole tier (one fits per machine); its files run one at a time. */
async function runNodeTier(files) {
  const { startNodeCluster } = await import('./dist/cluster/node-cluster.js');
  const dir = mkdtempSync(join(tmpdir(), 'gitseal-node-tier-'));
  let cluster;
  try {
    cluster = await startNodeCluster({ dir });
  } catch (error) {
    console.error(
      `run-tests: the node tier could not start its cluster: ${String(error?.message ?? error).split('\n')[0]}`,
    );
    totals.fail += files.length;
    rmSync(dir, { recursive: true, force: true });
    return 1;
  }
  const info = join(dir, 'node-cluster.json');
  writeFileSync(
    info,
    JSON.stringify({
      dir,
      kubeconfigPath: cluster.kubeconfigPath,
      server: cluster.server,
      caPem: cluster.caPem,
      nodeName: cluster.nodeName,
      containerdSocket: cluster.containerdSocket,
      ctr: cluster.binaries.ctr,
    }),
  );
  let code;
  try {
    code = await runTier(files, '1', { ...process.env, GITSEAL_NODE_CLUSTER: info });
  } finally {
    await cluster.stop();
  }
  const { nodeLeftovers } = await import('./dist/cluster/node-teardown.js');
  const left = await nodeLeftovers(dir);
  rmSync(dir, { recursive: true, force: true });
  if (left.length > 0) {
    console.error(`run-tests: the node's teardown left ${left.join('; ')}`);
    totals.fail += 1;
    return 1;
  }
  return code;
}
