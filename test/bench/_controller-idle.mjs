#!/usr/bin/env node
// Idle memory of gitseal-controller builds side by side (not part of `npm run bench`): `node
// test/bench/_controller-idle.mjs BIN [BIN…]` starts each built bin in turn (BENCH_ROUNDS rounds, default 3) on one
// real control plane with both CRDs and no objects, waits BENCH_IDLE_S seconds (default 30) after /readyz and
// prints its RSS, anonymous memory and PSS (smaps_rollup).
// Used for the lazy sync engine's before/after (RESULTS.md, "50 GitSyncs vs Flux").
/* global fetch */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CoreV1Api } from '@kubernetes/client-node';
import { loadKubeConfig } from '@gitseal/kube';
import { startControlPlane } from '../dist/cluster/index.js';
import { findFreePort } from '../dist/cluster/free-port.js';
import { crdPath, installCrd } from '../dist/support/install-crd.js';
import { waitFor } from '../dist/e2e/controller-harness.js';

const bins = process.argv.slice(2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const IDLE_S = Number(process.env.BENCH_IDLE_S ?? 30);
const dir = mkdtempSync(join(tmpdir(), 'gitseal-bench-idle-'));
const plane = await startControlPlane({});

function rollup(pid) {
  const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0) / 1024;
  return { rss: kb('Rss'), anonymous: kb('Anonymous'), pss: kb('Pss') };
}

try {
  const kc = loadKubeConfig({ kubeconfig: plane.kubeconfigPath });
  await installCrd(kc, crdPath('gitsyncs.gitseal.dev.yaml'));
  await installCrd(kc, crdPath('sealedsecrets.gitseal.dev.yaml'));
  await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: 'gitseal-system' } } });
  const results = Object.fromEntries(bins.map((b) => [b, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const bin of bins) {
      const [apiPort, metricsPort] = [await findFreePort(), await findFreePort()];
      const log = openSync(join(dir, 'controller.log'), 'a');
      const child = spawn(
        bin,
        [
          ...['--kubeconfig', plane.kubeconfigPath, '--namespace', 'gitseal-system', '--key-size', '2048'],
          ...['--listen-address', `127.0.0.1:${apiPort}`, '--metrics-address', `127.0.0.1:${metricsPort}`],
          ...['--no-leader-elect', '--git-cache-dir', join(dir, 'cache')],
        ],
        { stdio: ['ignore', log, log] },
      );
      closeSync(log);
      const exited = new Promise((resolve) => child.on('exit', resolve));
      await waitFor(
        'ready',
        async () => (await fetch(`http://127.0.0.1:${apiPort}/readyz`).catch(() => ({ status: 0 }))).status === 200,
        180_000,
        100,
      );
      await sleep(IDLE_S * 1000);
      const r = rollup(child.pid);
      results[bin].push(r);
      console.log(
        `${bin}: RSS ${r.rss.toFixed(1)} MiB, anonymous ${r.anonymous.toFixed(1)}, PSS ${r.pss.toFixed(1)} (round ${round + 1})`,
      );
      child.kill('SIGTERM');
      await exited;
    }
  }
  console.log(JSON.stringify(results));
} finally {
  await plane.stop();
  rmSync(dir, { recursive: true, force: true });
}
