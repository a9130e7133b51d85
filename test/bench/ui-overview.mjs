#!/usr/bin/env node
/* global document */
// Time to first paint of the web UI's Overview with 200 GitSyncs, and of its SealedSecrets page with 2,000
// SealedSecrets, in Debian's Chromium against `gitseal ui` as a process and a local control plane (run after `npm run
// build`). The GitSyncs get a Ready status written as the controller writes it, the SealedSecrets a Synced one with a
// key fingerprint (no controller runs). Measured per page load (median of 5): the first contentful paint, and the
// first animation frame in which all rows are in the table; plus the RSS of the `gitseal ui` process with each page
// open. GITSEAL_BENCH_UI_GITSYNCS / GITSEAL_BENCH_UI_SEALED_SECRETS change the
// counts. Prints human lines, one `figure:` line, then one JSON line for the bench driver.
import { readFileSync } from 'node:fs';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { patchStatus } from '@gitseal/kube';
import { startControlPlane } from '../dist/cluster/index.js';
import { crdPath, installCrd } from '../dist/support/install-crd.js';
import { kubeConfigFor } from '../dist/support/kube-config-for.js';
import { launchChromium } from '../dist/support/browser.js';
import { loginCookie, startGitsealUi } from '../dist/support/browser-ui-server.js';

const GITSYNCS = Number(process.env.GITSEAL_BENCH_UI_GITSYNCS ?? 200);
const SEALED = Number(process.env.GITSEAL_BENCH_UI_SEALED_SECRETS ?? 2000);
const RUNS = 5;
const GROUP = { group: 'gitseal.dev', version: 'v1alpha1' };

async function inParallel(count, limit, task) {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const rssMiB = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

let plane;
let ui;
let browser;
try {
  plane = await startControlPlane();
  const kc = kubeConfigFor(plane.kubeconfigPath);
  const custom = kc.makeApiClient(CustomObjectsApi);
  await installCrd(kc, crdPath('gitsyncs.gitseal.dev.yaml'));
  await installCrd(kc, crdPath('sealedsecrets.gitseal.dev.yaml'));
  const namespaces = ['team-a', 'team-b', 'team-c', 'team-d'];
  for (const name of namespaces) await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name } } });
  const at = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const t0 = Date.now();
  await inParallel(GITSYNCS, 16, async (i) => {
    const namespace = namespaces[i % namespaces.length];
    const name = `app-${String(i).padStart(3, '0')}`;
    await custom.createNamespacedCustomObject({
      ...GROUP,
      plural: 'gitsyncs',
      namespace,
      body: {
        apiVersion: 'gitseal.dev/v1alpha1',
        kind: 'GitSync',
        metadata: { name, namespace },
        spec: { source: { url: `https://git.example/${name}.git`, ref: { branch: 'main' }, path: 'deploy' } },
      },
    });
    const revision = `main@sha1:${(i * 7919).toString(16).padStart(40, 'a')}`;
    await patchStatus(
      custom,
      { ...GROUP, plural: 'gitsyncs', namespace, name, kind: 'GitSync' },
      {
        observedGeneration: 1,
        lastAppliedRevision: revision,
        lastAttemptedRevision: revision,
        conditions: [
          { type: 'Ready', status: 'True', reason: 'ReconciliationSucceeded', message: 'ok', lastTransitionTime: at },
        ],
        inventory: { entries: [{ id: `${namespace}_${name}__ConfigMap`, v: 'v1' }] },
        history: [{ revision, result: 'Succeeded', startedAt: at, duration: '1.2s', objectsChanged: 1 }],
      },
      { fieldManager: 'gitseal-controller' },
    );
  });
  await inParallel(SEALED, 32, async (i) => {
    const namespace = namespaces[i % namespaces.length];
    await custom.createNamespacedCustomObject({
      ...GROUP,
      plural: 'sealedsecrets',
      namespace,
      body: {
        apiVersion: 'gitseal.dev/v1alpha1',
        kind: 'SealedSecret',
        metadata: { name: `s-${i}`, namespace },
        spec: { encryptedData: { password: Buffer.alloc(600, i % 256).toString('base64') }, template: {} },
      },
    });
    await patchStatus(
      custom,
      { ...GROUP, plural: 'sealedsecrets', namespace, name: `s-${i}`, kind: 'SealedSecret' },
      {
        observedGeneration: 1,
        keyFingerprint: `SHA256:${'k'.repeat(42)}${i % 3}`,
        conditions: [{ type: 'Synced', status: 'True', reason: 'Unsealed', message: 'ok', lastTransitionTime: at }],
      },
      { fieldManager: 'gitseal-controller' },
    );
  });
  console.log(`created ${GITSYNCS} GitSyncs and ${SEALED} SealedSecrets in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  ui = await startGitsealUi(plane.kubeconfigPath);
  const cookie = await loginCookie(ui);
  const [name, value] = cookie.split('=');
  browser = await launchChromium({
    skip: (why) => {
      throw new Error(why);
    },
  });
  await browser.context.addCookies([{ name, value, url: ui.url, httpOnly: true, sameSite: 'Strict' }]);
  const page = await browser.context.newPage();
  const painted = [];
  const fcps = [];
  for (let run = 0; run < RUNS; run++) {
    await page.goto(run === 0 ? ui.url : `${ui.url}?run=${run}`);
    // A function, not a string: the page's CSP forbids eval, which a string predicate would need.
    await page.waitForFunction((n) => document.querySelectorAll('table.gitsyncs tbody tr').length >= n, GITSYNCS, {
      polling: 'raf',
      timeout: 60_000,
    });
    painted.push(await page.evaluate('performance.now()'));
    fcps.push(
      await page.evaluate(
        "(performance.getEntriesByName('first-contentful-paint')[0] || { startTime: NaN }).startTime",
      ),
    );
  }
  const rss = rssMiB(ui.child.pid);
  /** Loads `route` afresh RUNS times; the median time until `rows` rows of `table` are painted, and FCP. */
  const measure = async (route, table, rows) => {
    const times = [];
    const firstPaints = [];
    for (let run = 0; run < RUNS; run++) {
      await page.goto(`${ui.url}?page=${run}${route}`);
      await page.waitForFunction(
        ([selector, n]) => document.querySelectorAll(`${selector} tbody tr`).length >= n,
        [table, rows],
        { polling: 'raf', timeout: 60_000 },
      );
      times.push(await page.evaluate('performance.now()'));
      firstPaints.push(
        await page.evaluate(
          "(performance.getEntriesByName('first-contentful-paint')[0] || { startTime: NaN }).startTime",
        ),
      );
    }
    return { ms: Math.round(median(times)), fcp: Math.round(median(firstPaints)), runs: times.map(Math.round) };
  };
  const sealed = await measure('#/sealedsecrets', 'table.sealedsecrets', SEALED);
  const sealedRss = rssMiB(ui.child.pid);
  console.log(
    `SealedSecrets page with ${SEALED} rows painted (median of ${RUNS} loads): ${sealed.ms} ms (FCP ${sealed.fcp} ms); runs ${sealed.runs.join(', ')}; RSS ${sealedRss.toFixed(1)} MiB`,
  );
  const paintMs = Math.round(median(painted));
  const fcpMs = Math.round(median(fcps));
  console.log(
    `overview with ${GITSYNCS} rows painted (median of ${RUNS} loads): ${paintMs} ms; runs ${painted.map(Math.round).join(', ')}`,
  );
  console.log(`first contentful paint: ${fcpMs} ms`);
  console.log(`gitseal ui RSS with the page open: ${rss.toFixed(1)} MiB`);
  console.log(
    `figure: Overview first paint with ${GITSYNCS} GitSyncs and ${SEALED} SealedSecrets: ${paintMs} ms to all rows (FCP ${fcpMs} ms; limit 1000 ms); gitseal ui RSS ${rss.toFixed(1)} MiB; SealedSecrets page ${sealed.ms} ms to all ${SEALED} rows (FCP ${sealed.fcp} ms), RSS ${sealedRss.toFixed(1)} MiB`,
  );
  console.log(
    JSON.stringify({
      gitSyncs: GITSYNCS,
      sealedSecrets: SEALED,
      rowsPaintedMs: paintMs,
      fcpMs,
      uiRssMiB: Number(rss.toFixed(1)),
      sealedSecretsRowsPaintedMs: sealed.ms,
      sealedSecretsFcpMs: sealed.fcp,
      sealedSecretsUiRssMiB: Number(sealedRss.toFixed(1)),
      withinLimit: paintMs <= 1000,
    }),
  );
  if (paintMs > 1000) process.exitCode = 1;
} finally {
  await browser?.close();
  await ui?.stop();
  await plane?.stop();
}
