// The web UI in a real Chromium (playwright-core driving Debian's /usr/bin/chromium) against the real control plane,
// gitseal-controller as a process and real Git repositories: a GitSync created with kubectl appears and turns Ready
// without a reload; table, tiles, filters and keyboard-only navigation of the Overview; the GitSync page's resource
// tree, Sync now adding a history entry, an object deleted with kubectl shown missing and then healed; a viewer whose
// RBAC forbids patching sees the actions disabled; a phone-width window. Every response body and every server-sent
// event of the walk is scanned for the plaintext markers of the sealed and plain Secrets in Git. With
// GITSEAL_UI_SCREENSHOTS=1, screenshots of each page go to docs/images/ui-*.png.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { RbacAuthorizationV1Api } from '@kubernetes/client-node';
import type { Page } from 'playwright-core';
import { kubectlOk, serviceAccountKubeConfig } from '../support/index.js';
import { launchChromium } from '../support/browser.js';
import { BrowserSession, screenshot as shot } from '../support/browser-session.js';
import { startGitsealUi, type GitsealUiProcess } from '../support/browser-ui-server.js';
import { assertNoMarkers, marker } from './cli-harness.js';
import { b64, sealItems } from './controller-harness.js';
import { configMapJson, createSyncNamespace, syncSuite, type GitRepo } from './sync-harness.js';

const suite = syncSuite('ui-browser.log');
const sealedMarker = marker('ui-sealed');
const plainMarker = marker('ui-plain');
suite.markers.push(sealedMarker, plainMarker);

const session = new BrowserSession();
const { uis, recorders } = session;

interface Walk {
  readonly namespace: string;
  readonly repo: GitRepo;
  readonly ui: GitsealUiProcess;
  readonly page: Page;
  readonly kubeconfig: string;
}

let walk: Promise<Walk | undefined> | undefined;

function files(namespace: string, certPem: string, data: string): Record<string, string> {
  return {
    'app/config.json': configMapJson('config', { greeting: data }),
    'app/sealed.json': JSON.stringify({
      apiVersion: 'gitseal.dev/v1alpha1',
      kind: 'SealedSecret',
      metadata: { name: 'db' },
      spec: { encryptedData: sealItems(certPem, 'strict', namespace, 'db', { password: sealedMarker }), template: {} },
    }),
    'app/plain.json': JSON.stringify({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'plain' },
      data: { token: b64(plainMarker) },
    }),
  };
}

const gitSync = (namespace: string, name: string, url: string, path: string): string =>
  JSON.stringify({
    apiVersion: 'gitseal.dev/v1alpha1',
    kind: 'GitSync',
    metadata: { name, namespace },
    spec: {
      source: { url, ref: { branch: 'main' }, path },
      interval: '1h',
      prune: true,
      selfHeal: false,
      allowPlainSecrets: true,
    },
  });

/** The file's walk: controller, repository, `gitseal ui`, one logged-in page (started by the first test). */
function start(t: TestContext): Promise<Walk | undefined> {
  walk ??= (async () => {
    const sync = await suite.ready(t);
    if (!sync) return undefined;
    session.browser = await launchChromium(t);
    if (!session.browser) return undefined;
    const namespace = await createSyncNamespace(sync.kc, 'ui-walk');
    const repo = suite.newRepo();
    repo.commit(files(namespace, sync.certPem, 'hello'));
    const ui = await startGitsealUi(sync.plane.kubeconfigPath);
    uis.push(ui);
    const page = await session.recordedPage();
    await page.goto(ui.loginUrl);
    return { namespace, repo, ui, page, kubeconfig: sync.plane.kubeconfigPath };
  })();
  return walk;
}

/** Screenshots for the docs, only when asked for (GITSEAL_UI_SCREENSHOTS=1), so test runs leave the tree clean. */
test('overview: a GitSync created with kubectl appears and turns Ready live; tiles, filters, keyboard', async (t) => {
  const w = await start(t);
  if (!w) return;
  const { page, namespace } = w;
  assert.equal(new URL(page.url()).search, '', 'the login token is gone from the address bar');
  await page.getByRole('heading', { name: 'GitSyncs', level: 1 }).waitFor();
  await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
  let loads = 0;
  page.on('load', () => (loads += 1));

  await kubectlOk(['--kubeconfig', w.kubeconfig, 'apply', '-f', '-'], gitSync(namespace, 'app', w.repo.url, 'app'));
  await kubectlOk(['--kubeconfig', w.kubeconfig, 'apply', '-f', '-'], gitSync(namespace, 'broken', w.repo.url, 'nope'));
  const row = page.locator(`tr[data-key="${namespace}/app"]`);
  await row.waitFor({ timeout: 10_000 });
  await page.locator(`tr[data-key="${namespace}/app"][data-state="Ready"]`).waitFor({ timeout: 60_000 });
  await page.locator(`tr[data-key="${namespace}/broken"]:is([data-state="Stalled"],[data-state="Failed"])`).waitFor({
    timeout: 60_000,
  });
  assert.equal(loads, 0, 'no reload');
  const text = await row.innerText();
  assert.match(text, /Ready/);
  assert.match(text, /Healthy/);
  assert.match(text, /3 objects/);
  assert.match(text, /\b[0-9a-f]{7}\b/, 'short revision');
  assert.match(text, /\d+s ago/, 'last sync time');
  assert.equal(await page.locator('[data-count="Ready"]').innerText(), '1');
  await shot(page, 'overview');

  await page.getByRole('button', { name: 'Tiles' }).click();
  const tile = page.locator(`.tiles li[data-key="${namespace}/app"]`);
  await tile.waitFor();
  assert.match(await tile.innerText(), /Ready/);
  await shot(page, 'overview-tiles');
  await page.getByRole('button', { name: 'Table' }).click();

  await page.getByLabel('Search').fill('broken');
  await page.locator(`tr[data-key="${namespace}/app"]`).waitFor({ state: 'detached' });
  assert.equal(await page.locator('table.gitsyncs tbody tr').count(), 1);
  await page.getByLabel('Search').fill('');
  await page.getByLabel('Status').selectOption('Ready');
  assert.deepEqual(
    await page.locator('table.gitsyncs tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key'))),
    [`${namespace}/app`],
  );
  await page.getByLabel('Status').selectOption('');
  await page.getByLabel('Namespace').selectOption(namespace);

  // Keyboard only from here: Tab from the search field over the view toggle to the rows, Enter opens one.
  await page.getByLabel('Search').focus();
  // Evaluated in the page (this file is compiled without the DOM's types).
  const focusedRow = () =>
    page.evaluate<string | null | undefined>(
      `(() => { const el = document.activeElement; return el && el.classList.contains('row-link') ? el.closest('tr').getAttribute('data-key') : 'not a row: ' + (el && el.tagName); })()`,
    );
  for (let i = 0; i < 3; i++) await page.keyboard.press('Tab');
  assert.equal(await focusedRow(), `${namespace}/app`);
  await page.keyboard.press('Tab');
  assert.equal(await focusedRow(), `${namespace}/broken`);
  await page.keyboard.press('Shift+Tab');
  assert.equal(await focusedRow(), `${namespace}/app`);
  await page.keyboard.press('Enter');
  await page.waitForURL(/#\/gitsyncs\//);
  assert.ok(page.url().endsWith(`#/gitsyncs/${namespace}/app`));
  await page.getByRole('heading', { level: 1 }).filter({ hasText: 'app' }).waitFor();
});

test('GitSync page: resource tree, Sync now adds a history entry, a deleted object shows missing then heals', async (t) => {
  const w = await start(t);
  if (!w) return;
  const { page, namespace } = w;
  await page.goto(`${w.ui.url}#/gitsyncs/${namespace}/app`);
  const resource = (kind: string, name: string) => page.locator(`tr[data-resource="${kind}/${name}"]`);
  await resource('ConfigMap', 'config').and(page.locator('[data-sync="InSync"]')).waitFor({ timeout: 15_000 });
  assert.match(await resource('ConfigMap', 'config').innerText(), /Current/);
  assert.match(await resource('SealedSecret', 'db').innerText(), /password/, 'SealedSecret key names');
  assert.match(await resource('Secret', 'plain').innerText(), /token/, 'Secret key names');
  for (const title of ['Resources', 'Conditions', 'History', 'Events']) {
    await page.getByRole('heading', { name: new RegExp(`^${title}`), level: 2 }).waitFor();
  }
  await shot(page, 'gitsync');

  const history = page.locator('table.history tbody tr');
  const before = await history.count();
  assert.ok(before >= 1);
  const commit = w.repo.commit({ 'app/config.json': configMapJson('config', { greeting: 'hello again' }) });
  await page.getByRole('button', { name: 'Sync now' }).click();
  await page.getByRole('status').filter({ hasText: 'Sync handled: Ready=True' }).waitFor({ timeout: 60_000 });
  await page.locator(`table.history tbody tr[data-revision="main@sha1:${commit}"]`).waitFor({ timeout: 10_000 });
  assert.equal(await history.count(), before + 1, 'one more history entry');
  assert.match(await history.first().innerText(), new RegExp(`${commit.slice(0, 7)}[\\s\\S]*Succeeded`));
  // Changed / unchanged / pruned of the new revision (one ConfigMap changed, the two secrets unchanged).
  const cell = (column: number) => page.locator(`table.history tbody tr:first-child td:nth-child(${column})`);
  await cell(6).filter({ hasText: /^2$/ }).waitFor({ timeout: 10_000 });
  assert.deepEqual([await cell(5).innerText(), await cell(6).innerText(), await cell(7).innerText()], ['1', '2', '0']);

  await kubectlOk(['--kubeconfig', w.kubeconfig, '-n', namespace, 'delete', 'configmap', 'config']);
  await resource('ConfigMap', 'config').and(page.locator('[data-sync="Missing"]')).waitFor({ timeout: 15_000 });
  await shot(page, 'gitsync-missing');
  await page.getByRole('button', { name: 'Sync now' }).click();
  await resource('ConfigMap', 'config').and(page.locator('[data-sync="InSync"]')).waitFor({ timeout: 60_000 });
  assert.ok(page.url().endsWith(`#/gitsyncs/${namespace}/app`), 'the same page, never reloaded');
});

test('a viewer whose RBAC forbids patching GitSyncs sees Sync now and Suspend disabled, with the reason', async (t) => {
  const w = await start(t);
  if (!w || !session.browser) return;
  const sync = await suite.ready(t);
  assert.ok(sync);
  const { namespace } = w;
  await sync.core.createNamespacedServiceAccount({ namespace, body: { metadata: { name: 'viewer' } } });
  const rbac = sync.kc.makeApiClient(RbacAuthorizationV1Api);
  await rbac.createNamespacedRole({
    namespace,
    body: {
      metadata: { name: 'viewer' },
      rules: [
        { apiGroups: ['gitseal.dev'], resources: ['gitsyncs', 'sealedsecrets'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: [''], resources: ['configmaps', 'events'], verbs: ['get', 'list'] },
      ],
    },
  });
  await rbac.createNamespacedRoleBinding({
    namespace,
    body: {
      metadata: { name: 'viewer' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'viewer' },
      subjects: [{ kind: 'ServiceAccount', name: 'viewer', namespace }],
    },
  });
  const viewer = await serviceAccountKubeConfig(sync.plane, { namespace, name: 'viewer' });
  const ui = await startGitsealUi(viewer.path, ['-n', namespace]);
  uis.push(ui);
  const page = await session.recordedPage();
  await page.goto(ui.loginUrl);
  await page.getByRole('alert').filter({ hasText: 'You may not list GitSyncs in all namespaces' }).waitFor();
  await page.locator(`tr[data-key="${namespace}/app"]`).waitFor();
  await page.goto(`${ui.url}#/gitsyncs/${namespace}/app`);
  const syncNow = page.getByRole('button', { name: 'Sync now' });
  await syncNow.waitFor();
  assert.ok(await syncNow.isDisabled());
  assert.ok(await page.getByRole('button', { name: 'Suspend' }).isDisabled());
  assert.match(
    await page.locator('#actions-denied').innerText(),
    /does not allow patch on gitsyncs\.gitseal\.dev in namespace/,
  );
  // The Secret is not readable for this viewer: it says so instead of failing the page.
  assert.match(await page.locator('tr[data-resource="Secret/plain"]').innerText(), /you may not read it/);
  await page.close();
});

test('a phone-width window (390×844) shows the Overview without sideways scrolling', async (t) => {
  const w = await start(t);
  if (!w || !session.browser) return;
  const page = await session.recordedPage();
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(w.ui.url);
  await page.locator(`tr[data-key="${w.namespace}/app"]`).waitFor();
  const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than the window`);
  await shot(page, 'overview-phone');
  await page.getByRole('button', { name: 'Tiles' }).click();
  await page.locator(`.tiles li[data-key="${w.namespace}/app"]`).waitFor();
  await page.close();
});

test('no plaintext in any response body or server-sent event of the walk, nor in gitseal ui output', async (t) => {
  const w = await start(t);
  if (!w) return;
  const everything = (await Promise.all(recorders.map((r) => r.everything()))).join('\n');
  assert.ok(everything.includes(`"kind":"SealedSecret"`), 'the recording holds the GitSync page data');
  assert.ok(
    recorders.some((r) => r.events.length > 0),
    'server-sent events were recorded',
  );
  assertNoMarkers(everything, suite.markers, 'UI traffic');
  assertNoMarkers(uis.map((ui) => ui.output()).join('\n'), suite.markers, 'gitseal ui output');
  const urls = recorders.flatMap((r) => r.urls);
  const hosts = new Set(urls.map((u) => new URL(u).host));
  assert.deepEqual(
    [...hosts].every((h) => h.startsWith('127.0.0.1:')),
    true,
    `only gitseal ui itself was asked: ${[...hosts].join(', ')}`,
  );
});
