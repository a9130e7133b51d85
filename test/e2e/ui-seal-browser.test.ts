// The second half of the web UI in a real Chromium (playwright-core, Debian's /usr/bin/chromium) against the real
// control plane, gitseal-controller as a process and real Git repositories: the SealedSecrets and Keys pages fed
// live by watches (a SealedSecret applied with kubectl appears Synced, each key counts the SealedSecrets it opens);
// Secrets sealed by the browser (WebCrypto) in both envelopes, committed to Git, synced by a GitSync and unsealed
// to exactly what was typed, the v1 output also through the plain SealedSecret path; every request the browser
// makes while sealing, and every answer, free of the plaintext; the per-object diff of a drifted Secret and
// ConfigMap (key names and changes, never values); keyboard use and a phone-width window; a user without RBAC for
// SealedSecrets and the certificates ConfigMap told so. Screenshots only with GITSEAL_UI_SCREENSHOTS=1.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { readCertificate } from '@gitseal/crypto';
import { RbacAuthorizationV1Api, type CoreV1Api } from '@kubernetes/client-node';
import type { Page, Request } from 'playwright-core';
import { createTestNamespace, kubectlOk, serviceAccountKubeConfig } from '../support/index.js';
import { launchChromium } from '../support/browser.js';
import { BrowserSession, screenshot as shot } from '../support/browser-session.js';
import { startGitsealUi, type GitsealUiProcess } from '../support/browser-ui-server.js';
import { assertNoMarkers, marker } from './cli-harness.js';
import { b64, sealItems, waitFor } from './controller-harness.js';
import { configMapJson, createSyncNamespace, readyAt, syncSuite, type GitRepo } from './sync-harness.js';

const suite = syncSuite('ui-seal-browser.log');
const typedV2 = marker('ui-typed-v2');
const typedV1 = marker('ui-typed-v1');
const typedDirect = marker('ui-typed-direct');
const plainMarker = marker('ui-plain2');
const driftMarker = marker('ui-drift');
const sealedMarker = marker('ui-sealed2');
suite.markers.push(typedV2, typedV1, typedDirect, plainMarker, driftMarker, sealedMarker);

const session = new BrowserSession();
const { uis, recorders } = session;

interface Walk {
  readonly namespace: string;
  readonly repo: GitRepo;
  readonly ui: GitsealUiProcess;
  readonly page: Page;
  readonly kubeconfig: string;
  readonly fingerprint: string;
  readonly certPem: string;
  readonly controllerNamespace: string;
}

let walk: Promise<Walk | undefined> | undefined;

const sealedSecretJson = (certPem: string, namespace: string, name: string, value: string): string =>
  JSON.stringify({
    apiVersion: 'gitseal.dev/v1alpha1',
    kind: 'SealedSecret',
    metadata: { name, namespace },
    spec: { encryptedData: sealItems(certPem, 'strict', namespace, name, { password: value }), template: {} },
  });

function files(namespace: string, certPem: string): Record<string, string> {
  return {
    'app/config.json': configMapJson('config', { greeting: 'hello', mood: 'calm' }),
    'app/sealed.json': sealedSecretJson(certPem, namespace, 'db', sealedMarker),
    'app/plain.json': JSON.stringify({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'plain' },
      data: { token: b64(plainMarker), user: b64('app') },
    }),
    'app/plain-too.json': JSON.stringify({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'plain-too' },
      stringData: { note: plainMarker },
    }),
  };
}

const gitSync = (namespace: string, url: string): string =>
  JSON.stringify({
    apiVersion: 'gitseal.dev/v1alpha1',
    kind: 'GitSync',
    metadata: { name: 'app', namespace },
    spec: {
      source: { url, ref: { branch: 'main' }, path: 'app' },
      interval: '1h',
      prune: true,
      selfHeal: false,
      allowPlainSecrets: true,
    },
  });

function start(t: TestContext): Promise<Walk | undefined> {
  walk ??= (async () => {
    const sync = await suite.ready(t);
    if (!sync) return undefined;
    session.browser = await launchChromium(t);
    if (!session.browser) return undefined;
    const namespace = await createSyncNamespace(sync.kc, 'ui-seal');
    const repo = suite.newRepo();
    const commit = repo.commit(files(namespace, sync.certPem));
    const kubeconfig = sync.plane.kubeconfigPath;
    await kubectlOk(['--kubeconfig', kubeconfig, 'apply', '-f', '-'], gitSync(namespace, repo.url));
    await sync.syncs.waitFor(namespace, 'app', 'Ready', readyAt(commit));
    const ui = await startGitsealUi(kubeconfig, ['--controller-namespace', sync.namespace]);
    uis.push(ui);
    const page = await session.recordedPage();
    await page.goto(ui.loginUrl);
    const fingerprint = readCertificate(sync.certPem).fingerprint;
    return {
      namespace,
      repo,
      ui,
      page,
      kubeconfig,
      fingerprint,
      certPem: sync.certPem,
      controllerNamespace: sync.namespace,
    };
  })();
  return walk;
}

test('SealedSecrets and Keys pages: live rows, Synced with the key used, counts per key', async (t) => {
  const w = await start(t);
  if (!w) return;
  const { page, namespace } = w;
  let loads = 0;
  page.on('load', () => (loads += 1));
  await page.getByRole('link', { name: 'SealedSecrets' }).click();
  await page.getByRole('heading', { name: 'SealedSecrets', level: 1 }).waitFor();
  const row = (name: string) => page.locator(`tr[data-key="${namespace}/${name}"]`);
  await row('db').and(page.locator('[data-synced="True"]')).waitFor({ timeout: 15_000 });
  const text = await row('db').innerText();
  assert.match(text, /Synced[\s\S]*Unsealed/);
  assert.match(text, /password/, 'key names');
  assert.match(text, /strict/);
  assert.equal(await row('db').locator(`[data-fingerprint="${w.fingerprint}"]`).count(), 1, 'the key that opened it');

  await kubectlOk(
    ['--kubeconfig', w.kubeconfig, 'apply', '-f', '-'],
    sealedSecretJson(w.certPem, namespace, 'extra', 'x'),
  );
  await row('extra').and(page.locator('[data-synced="True"]')).waitFor({ timeout: 15_000 });
  await page.getByLabel('Namespace').selectOption(namespace);
  await shot(page, 'sealedsecrets');

  await page.getByRole('link', { name: 'Keys' }).click();
  const key = page.locator(`tr[data-fingerprint="${w.fingerprint}"]`);
  await key.waitFor({ timeout: 15_000 });
  assert.equal(await key.getAttribute('data-state'), 'active');
  assert.match(await key.innerText(), /sealing/);
  assert.match(await key.innerText(), /in \d+d/, 'next renewal of the sealing key');
  const opens = key.locator('[data-opens]');
  await opens.filter({ hasText: /^2 SealedSecrets$/ }).waitFor({ timeout: 15_000 });
  await kubectlOk(
    ['--kubeconfig', w.kubeconfig, 'apply', '-f', '-'],
    sealedSecretJson(w.certPem, namespace, 'more', 'y'),
  );
  await opens.filter({ hasText: /^3 SealedSecrets$/ }).waitFor({ timeout: 15_000 });
  assert.match(await page.locator('#main').innerText(), new RegExp(`ConfigMap ${w.controllerNamespace}/gitseal-certs`));
  await shot(page, 'keys');
  assert.equal(loads, 0, 'no reload');
});

/** Every request the page makes (method, URL, headers and body), for the plaintext scan. */
function captureRequests(page: Page): string[] {
  const seen: string[] = [];
  page.on('request', (request: Request) => {
    seen.push([request.method(), request.url(), JSON.stringify(request.headers()), request.postData() ?? ''].join(' '));
  });
  return seen;
}

async function sealWithPairs(
  page: Page,
  input: { name: string; namespace: string; scope: string; envelope: string; format: string },
  pairs: Record<string, string>,
): Promise<string> {
  await page.getByRole('button', { name: 'Key/value pairs' }).click();
  const entries = Object.entries(pairs);
  for (let i = 0; i < entries.length; i++) {
    if (i > 0) await page.getByRole('button', { name: 'Add a key' }).click();
    const [k, v] = entries[i] ?? ['', ''];
    await page.getByLabel(`Key ${i + 1}`, { exact: true }).fill(k);
    await page.getByLabel(`Value ${i + 1}`, { exact: true }).fill(v);
  }
  await page.getByLabel('Name', { exact: true }).fill(input.name);
  await page.getByLabel('Namespace', { exact: true }).fill(input.namespace);
  await page.getByLabel('Scope').selectOption(input.scope);
  await page.getByLabel('Envelope').selectOption(input.envelope);
  await page.getByLabel('Format').selectOption(input.format);
  await page.getByRole('button', { name: 'Seal', exact: true }).click();
  const output = page.locator('#sealed-output');
  await output.waitFor();
  return output.innerText();
}

/** The data of a Secret the controller wrote (the test reads it as admin; gitseal ui never does). */
async function secretData(core: CoreV1Api, namespace: string, name: string): Promise<Record<string, string>> {
  const secret = await waitFor(
    `Secret ${namespace}/${name}`,
    () => core.readNamespacedSecret({ namespace, name }).catch(() => undefined),
    60_000,
  );
  return Object.fromEntries(
    Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]),
  );
}

test('Secrets sealed in the browser (v2 and v1) sync from Git and unseal to what was typed; no plaintext in any request', async (t) => {
  const w = await start(t);
  if (!w || !session.browser) return;
  const { namespace } = w;
  const page = await session.recordedPage();
  const requests = captureRequests(page);
  await page.goto(`${w.ui.url}#/seal`);
  await page.locator(`.cert[data-fingerprint="${w.fingerprint}"]`).waitFor({ timeout: 15_000 });

  const v2 = await sealWithPairs(
    page,
    { name: 'web-v2', namespace, scope: 'strict', envelope: 'v2', format: 'yaml' },
    { password: typedV2, 'user.name': 'ünïcode ☃' },
  );
  assert.match(v2, /^apiVersion: gitseal\.dev\/v1alpha1\nkind: SealedSecret\n/);
  assert.match(v2, /password: '?gs2:/);
  await shot(page, 'seal');
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Download' }).click();
  const saved = await (await download).path();
  const { readFileSync } = await import('node:fs');
  assert.equal(readFileSync(saved, 'utf8'), v2, 'the download is the shown manifest');

  await page.reload();
  await page.locator('.cert').waitFor();
  const v1 = await sealWithPairs(
    page,
    { name: 'web-v1', namespace, scope: 'namespace-wide', envelope: 'v1', format: 'json' },
    { password: typedV1 },
  );
  const v1Object = JSON.parse(v1) as {
    metadata: { annotations?: Record<string, string> };
    spec: { encryptedData: Record<string, string> };
  };
  assert.equal(v1Object.metadata.annotations?.['gitseal.dev/namespace-wide'], 'true');
  assert.match(v1Object.spec.encryptedData['password'] ?? '', /^[A-Za-z0-9+/]+=*$/, 'v1 is plain base64');

  // Committed to Git and synced by the GitSync: the Secrets hold exactly what was typed.
  const commit = w.repo.commit({ 'app/web-v2.yaml': v2, 'app/web-v1.json': v1 });
  const sync = await suite.ready(t);
  assert.ok(sync);
  await sync.syncs.trigger(namespace, 'app');
  await sync.syncs.waitFor(namespace, 'app', 'Ready at the sealed commit', readyAt(commit));
  assert.deepEqual(await secretData(sync.core, namespace, 'web-v2'), { password: typedV2, 'user.name': 'ünïcode ☃' });
  assert.deepEqual(await secretData(sync.core, namespace, 'web-v1'), { password: typedV1 });

  // The v1 output of a pasted Secret (YAML input) applied with kubectl: the plain SealedSecret path opens it too.
  const direct = await createTestNamespace(sync.kc, 'ui-direct');
  await page.reload();
  await page.locator('.cert').waitFor();
  await page.getByRole('button', { name: 'Secret YAML' }).click();
  await page
    .getByLabel('Secret (YAML)')
    .fill(
      `apiVersion: v1\nkind: Secret\nmetadata:\n  name: direct\n  namespace: ${direct}\ntype: Opaque\nstringData:\n  api-key: ${typedDirect}\ndata:\n  blob: ${b64('bytes')}\n`,
    );
  await page.getByLabel('Envelope').selectOption('v1');
  await page.getByLabel('Scope').selectOption('strict');
  await page.getByLabel('Format').selectOption('yaml');
  await page.getByRole('button', { name: 'Seal', exact: true }).click();
  const directYaml = await page.locator('#sealed-output').innerText();
  await kubectlOk(['--kubeconfig', w.kubeconfig, 'apply', '-f', '-'], directYaml);
  assert.deepEqual(await secretData(sync.core, direct, 'direct'), { 'api-key': typedDirect, blob: 'bytes' });

  // Every request of the seal flow: GETs to gitseal ui itself, the certificate among them, no plaintext anywhere.
  assert.ok(
    requests.some((r) => r.startsWith(`GET ${w.ui.url}api/cert `)),
    'the certificate was fetched',
  );
  for (const request of requests) {
    assert.match(request, /^GET http:\/\/127\.0\.0\.1:\d+\//, `only GETs to gitseal ui: ${request.slice(0, 120)}`);
  }
  assertNoMarkers(requests.join('\n'), suite.markers, 'requests of the seal flow');
  const answers = (await Promise.all(recorders.map((r) => r.everything()))).join('\n');
  assert.ok(answers.includes('BEGIN CERTIFICATE'), 'the recording holds the certificate answer');
  assertNoMarkers(answers, suite.markers, 'answers to the browser');
  await page.close();
});

test('the GitSync page diffs a drifted Secret and ConfigMap key by key, without values', async (t) => {
  const w = await start(t);
  if (!w) return;
  const { page, namespace } = w;
  const kubectl = (...args: string[]) => kubectlOk(['--kubeconfig', w.kubeconfig, '-n', namespace, ...args]);
  await kubectl(
    'patch',
    'secret',
    'plain',
    '--type',
    'merge',
    '-p',
    JSON.stringify({ data: { token: b64(driftMarker), extra: b64('x') } }),
  );
  await kubectl('patch', 'configmap', 'config', '--type', 'merge', '-p', JSON.stringify({ data: { greeting: 'hi' } }));
  await page.goto(`${w.ui.url}#/gitsyncs/${namespace}/app`);
  await page.locator('tr[data-resource="Secret/plain"][data-sync="Drifted"]').waitFor({ timeout: 15_000 });

  await page.getByRole('button', { name: 'Diff of Secret plain', exact: true }).click();
  const panel = page.locator('[data-diff="Secret/plain"]');
  const change = (key: string) => panel.locator(`[data-key-name="${key}"]`);
  await change('token').waitFor({ timeout: 30_000 });
  assert.deepEqual(
    await panel
      .locator('[data-key-name]')
      .evaluateAll((items) =>
        items.map((i) => `${i.getAttribute('data-key-name')}=${i.getAttribute('data-key-change')}`),
      ),
    ['extra=removed', 'token=changed', 'user=unchanged'],
  );
  assert.match(await panel.innerText(), /changed by kubectl-patch/);
  await shot(page, 'gitsync-diff');

  // An untouched Secret: the dry run succeeds and its answer is metadata only (else the server refuses to compare).
  await page.getByRole('button', { name: 'Diff of Secret plain-too' }).click();
  const untouched = page.locator('[data-diff="Secret/plain-too"]');
  await untouched.locator('[data-key-name="note"][data-key-change="unchanged"]').waitFor({ timeout: 30_000 });
  assert.match(await untouched.innerText(), /unchanged live against/);

  await page.getByRole('button', { name: 'Diff of ConfigMap config' }).click();
  const config = page.locator('[data-diff="ConfigMap/config"]');
  await config.locator('[data-key-name="greeting"][data-key-change="changed"]').waitFor({ timeout: 30_000 });
  assert.equal(await config.locator('[data-key-name="mood"]').count(), 0, 'unchanged ConfigMap keys are not listed');
  assert.doesNotMatch(await config.innerText(), /\bhi\b|hello/, 'no values');
  assertNoMarkers(await page.locator('#main').innerText(), suite.markers, 'the diff view');
});

test('keyboard only: the navigation, and sealing from the form; a phone-width window fits every new page', async (t) => {
  const w = await start(t);
  if (!w || !session.browser) return;
  const page = await session.recordedPage();
  await page.goto(`${w.ui.url}#/`);
  await page.getByRole('heading', { name: 'GitSyncs', level: 1 }).waitFor();
  await page.getByRole('link', { name: 'Seal', exact: true }).focus();
  await page.keyboard.press('Enter');
  await page.locator('.cert').waitFor({ timeout: 15_000 });
  const focused = () =>
    page.evaluate<string>(
      `(() => { const el = document.activeElement; const l = el && el.closest('label'); const own = l ? [...l.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join('').trim() : ''; return own || (el && el.textContent.trim()) || ''; })()`,
    );
  await page.getByRole('button', { name: 'Key/value pairs' }).focus();
  await page.keyboard.press('Tab'); // Secret YAML
  await page.keyboard.press('Tab');
  assert.equal(await focused(), 'Key 1');
  await page.keyboard.type('pin');
  await page.keyboard.press('Tab');
  assert.equal(await focused(), 'Value 1');
  await page.keyboard.type('1234');
  await page.keyboard.press('Tab'); // Remove (disabled) is skipped: Add a key
  assert.equal(await focused(), 'Add a key');
  await page.keyboard.press('Tab');
  assert.equal(await focused(), 'Name');
  await page.keyboard.type('kbd');
  await page.keyboard.press('Tab');
  await page.keyboard.type(w.namespace);
  for (const label of ['Type', 'Scope', 'Envelope', 'Format']) {
    await page.keyboard.press('Tab');
    assert.equal(await focused(), label);
  }
  await page.keyboard.press('Tab');
  assert.equal(await focused(), 'Seal');
  await page.keyboard.press('Enter');
  assert.match(await page.locator('#sealed-output').innerText(), /pin: '?gs2:/);

  await page.setViewportSize({ width: 390, height: 844 });
  for (const [route, ready] of [
    ['#/sealedsecrets', `tr[data-key="${w.namespace}/db"]`],
    ['#/keys', `tr[data-fingerprint="${w.fingerprint}"]`],
    ['#/seal', '.cert'],
  ] as const) {
    await page.goto(`${w.ui.url}${route}`);
    await page.locator(ready).waitFor({ timeout: 15_000 });
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    assert.ok(overflow <= 0, `${route} is ${overflow}px wider than the window`);
    if (route === '#/sealedsecrets') await shot(page, 'sealedsecrets-phone');
  }
  await page.close();
});

test('a user without RBAC for SealedSecrets and the certificates ConfigMap is told so on both pages', async (t) => {
  const w = await start(t);
  if (!w || !session.browser) return;
  const sync = await suite.ready(t);
  assert.ok(sync);
  const { namespace } = w;
  await sync.core.createNamespacedServiceAccount({ namespace, body: { metadata: { name: 'gitsync-viewer' } } });
  const rbac = sync.kc.makeApiClient(RbacAuthorizationV1Api);
  await rbac.createNamespacedRole({
    namespace,
    body: {
      metadata: { name: 'gitsync-viewer' },
      rules: [{ apiGroups: ['gitseal.dev'], resources: ['gitsyncs'], verbs: ['get', 'list', 'watch'] }],
    },
  });
  await rbac.createNamespacedRoleBinding({
    namespace,
    body: {
      metadata: { name: 'gitsync-viewer' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'gitsync-viewer' },
      subjects: [{ kind: 'ServiceAccount', name: 'gitsync-viewer', namespace }],
    },
  });
  const viewer = await serviceAccountKubeConfig(sync.plane, { namespace, name: 'gitsync-viewer' });
  const ui = await startGitsealUi(viewer.path, ['-n', namespace, '--controller-namespace', w.controllerNamespace]);
  uis.push(ui);
  const page = await session.recordedPage();
  await page.goto(ui.loginUrl);
  // As a user does, through the navigation once the app is up (a hash set while the login redirect still loads
  // was lost once under load).
  await page.getByRole('link', { name: 'SealedSecrets' }).click();
  await page.getByRole('heading', { name: 'SealedSecrets', level: 1 }).waitFor();
  await page
    .getByRole('alert')
    .filter({ hasText: `You may not list SealedSecrets (RBAC forbids list on sealedsecrets.gitseal.dev` })
    .waitFor({ timeout: 15_000 });
  await page.getByRole('link', { name: 'Keys' }).click();
  await page
    .getByRole('alert')
    .filter({ hasText: `You may not read ConfigMap ${w.controllerNamespace}/gitseal-certs` })
    .waitFor({ timeout: 15_000 });
  await page.close();
});

test('no plaintext in any answer or server-sent event of the walk, nor in gitseal ui output', async (t) => {
  const w = await start(t);
  if (!w) return;
  const everything = (await Promise.all(recorders.map((r) => r.everything()))).join('\n');
  assert.ok(
    recorders.some((r) => r.events.some((e) => e.includes('"keyFingerprints"'))),
    'SealedSecret events seen',
  );
  assertNoMarkers(everything, suite.markers, 'UI traffic');
  assertNoMarkers(uis.map((ui) => ui.output()).join('\n'), suite.markers, 'gitseal ui output');
});
