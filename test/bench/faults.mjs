#!/usr/bin/env node
// Faults survived (issue 13, section 3): runs the e2e file test/e2e/faults.test.ts (real kube-apiserver + etcd,
// gitseal-controller as a process) and prints the figures it measures:
//   time to converge after an apiserver restart during a 1,000-object sync (from /readyz ok again to Ready at the
//   commit, every object applied), and re-applies per minute while another field manager fights over a field.
// Needs `npm run build` first. The last line is JSON for run.mjs.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const run = spawnSync(process.execPath, [join(root, 'test', 'run-tests.mjs'), '--e2e', 'e2e/faults.test'], {
  cwd: root,
  encoding: 'utf8',
  maxBuffer: 64 * 1024 * 1024,
});
const output = `${run.stdout}\n${run.stderr}`;
const figure = (pattern) => {
  const match = output.match(pattern);
  return match ? Number(match[1]) : undefined;
};
const convergeSeconds = figure(/time to converge after an apiserver restart during a 1,000-object sync: ([\d.]+) s/);
const reappliesPerMinute = figure(/re-applies per minute while another field manager fights: ([\d.]+)/);
console.log(`time to converge after an apiserver restart during a 1,000-object sync: ${convergeSeconds ?? '?'} s`);
console.log(`re-applies per minute while another field manager fights (first 40 s): ${reappliesPerMinute ?? '?'}`);
console.log(JSON.stringify({ convergeSeconds, reappliesPerMinute, testsExit: run.status }));
if (run.status !== 0 || convergeSeconds === undefined) process.exit(1);
