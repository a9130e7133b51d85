// The warm render worker against the real kube-apiserver, gitseal-controller as a process, Git over file:// and
// smart HTTP: one long-lived worker serves every revision and GitSync; killed mid-request (kill -9) it fails that
// sync once with a clear reason and the next sync gets a new one; a hung fetch is stopped at the GitSync's
// timeout with the worker; GitSyncs' renders cannot reach each other's worktrees or credentials; and the
// render-input digest never serves a stale render (path, ref, Helm values, kustomize inputs, links).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative } from 'node:path';
import { test, type TestContext } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { marker } from './cli-harness.js';
import { b64, waitFor, type ControllerProcess } from './controller-harness.js';
import {
  configMapJson,
  createSyncNamespace,
  failedWith,
  gitSyncCondition,
  GitSyncs,
  orAbsent,
  readyAt,
  serveOverHttp,
  syncSuite,
  type GitRepo,
} from './sync-harness.js';

const suite = syncSuite('sync-render-worker.log');
const newRepo = suite.newRepo;
let kc: KubeConfig;
let core: CoreV1Api;
let syncs: GitSyncs;
let controller: ControllerProcess;

async function ready(t: TestContext): Promise<boolean> {
  const sync = await suite.ready(t);
  if (!sync) return false;
  ({ kc, core, syncs, controller } = sync);
  return true;
}

/** The controller's render workers for namespace `ns` (one per namespace): its children running render-child.js. */
function renderWorkers(ns: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== controller.pid) continue;
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      if (cmdline.some((a) => a.endsWith('render-child.js')) && cmdline.includes(`--isolation=${ns}`)) {
        pids.push(Number(name));
      }
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

const alive = (pid: number): boolean =>
  existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');

async function oneWorker(ns: string): Promise<number> {
  return waitFor(
    'one render worker',
    async () => {
      const pids = renderWorkers(ns);
      return pids.length === 1 ? pids[0] : undefined;
    },
    10_000,
    50,
  );
}

const configMapValue = async (namespace: string, name: string): Promise<string | undefined> =>
  (await orAbsent(core.readNamespacedConfigMap({ namespace, name })))?.data?.['v'];

/** The `sync` log lines of one GitSync, parsed. */
function syncLines(key: string): { revision: string; result: string; rendered: boolean; reason?: string }[] {
  return controller
    .output()
    .split('\n')
    .filter((line) => line.includes('"msg":"sync"') && line.includes(`"gitSync":"${key}"`))
    .map((line) => JSON.parse(line) as { revision: string; result: string; rendered: boolean; reason?: string });
}

interface HoldingServer {
  readonly url: string;
  /** Fetches (`command=fetch`) wait while held. */
  hold(): void;
  release(): void;
  /** Resolves when a held fetch has arrived. */
  fetchHeld(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Smart HTTP in front of `git http-backend` (serveOverHttp) that can hold the fetches: ref listings pass, the pack
 * request waits until released, so a render can be caught in the middle of its fetch.
 */
async function holdingServer(repo: GitRepo, authorization: string): Promise<HoldingServer> {
  const upstream = await serveOverHttp(repo.bare, authorization);
  const target = new URL(upstream.url);
  let held = false;
  let waiting: (() => void)[] = [];
  let arrived: (() => void) | undefined;
  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer): void => {
    const out = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    out.end(body);
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const text = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body).toString('latin1');
      if (!held || !text.includes('command=fetch')) return forward(req, res, body);
      arrived?.();
      waiting.push(() => forward(req, res, body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${base}${target.pathname}`,
    hold: () => void (held = true),
    release() {
      held = false;
      for (const go of waiting.splice(0)) go();
    },
    fetchHeld: () => new Promise((resolve) => void (arrived = resolve)),
    async close() {
      held = false;
      waiting = [];
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await upstream.close();
    },
  };
}

/** A GitSync over HTTP with basic auth from a Secret; the password is a marker the logs must not hold. */
async function httpGitSync(t: TestContext, ns: string, name: string, repo: GitRepo, spec: Record<string, unknown>) {
  const password = marker(`git-password-${name}`);
  suite.markers.push(password);
  const server = await holdingServer(repo, `Basic ${b64(`git:${password}`)}`);
  t.after(() => server.close());
  await core.createNamespacedSecret({
    namespace: ns,
    body: { metadata: { name: `git-${name}` }, stringData: { username: 'git', password } },
  });
  await syncs.create(ns, name, {
    source: { url: server.url, secretRef: { name: `git-${name}` }, path: 'app' },
    interval: '1h',
    ...spec,
  });
  return { server, password };
}

test('one render worker serves every revision of every GitSync: its pid stays the same', async (t) => {
  if (!(await ready(t))) return;
  const ns = await createSyncNamespace(kc, 'worker-reuse');
  const one = newRepo();
  const first = one.commit({ 'app/cm.json': configMapJson('one', { v: '1' }) });
  await syncs.create(ns, 'one', { source: { url: one.url, path: 'app' }, interval: '1h' });
  await syncs.waitFor(ns, 'one', 'Ready', readyAt(first));
  const pid = await oneWorker(ns);
  const second = one.commit({ 'app/cm.json': configMapJson('one', { v: '2' }) });
  await syncs.trigger(ns, 'one');
  await syncs.waitFor(ns, 'one', 'Ready', readyAt(second));
  assert.equal(await configMapValue(ns, 'one'), '2');
  const two = newRepo();
  const other = two.commit({ 'app/cm.json': configMapJson('two', { v: '1' }) });
  await syncs.create(ns, 'two', { source: { url: two.url, path: 'app' }, interval: '1h' });
  await syncs.waitFor(ns, 'two', 'Ready', readyAt(other));
  assert.deepEqual(renderWorkers(ns), [pid], 'the same worker rendered three revisions of two GitSyncs');
  // Another namespace (another tenant) never shares that process.
  const elsewhere = await createSyncNamespace(kc, 'worker-other');
  const three = newRepo();
  const third = three.commit({ 'app/cm.json': configMapJson('three', { v: '1' }) });
  await syncs.create(elsewhere, 'three', { source: { url: three.url, path: 'app' }, interval: '1h' });
  await syncs.waitFor(elsewhere, 'three', 'Ready', readyAt(third));
  const theirs = await oneWorker(elsewhere);
  assert.notEqual(theirs, pid, 'a namespace of its own: a worker of its own');
  const environment = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
  assert.ok(!environment.some((e) => e.startsWith('KUBECONFIG=')), 'no Kubernetes credentials in its environment');
});

test('a worker killed with -9 mid-request fails that sync once, naming it; the next sync gets a new worker', async (t) => {
  if (!(await ready(t))) return;
  const ns = await createSyncNamespace(kc, 'worker-kill');
  const repo = newRepo();
  const first = repo.commit({ 'app/cm.json': configMapJson('killed', { v: '1' }) });
  const { server } = await httpGitSync(t, ns, 'killed', repo, {});
  await syncs.waitFor(ns, 'killed', 'Ready', readyAt(first));
  server.hold();
  const held = server.fetchHeld();
  const second = repo.commit({ 'app/cm.json': configMapJson('killed', { v: '2' }) });
  await syncs.trigger(ns, 'killed');
  await held;
  const pid = await oneWorker(ns);
  process.kill(pid, 'SIGKILL');
  server.release();
  const failed = await syncs.waitFor(ns, 'killed', 'RenderFailed', failedWith('RenderFailed', second));
  // (then drift is undone to the last applied revision, as after any failed render)
  assert.match(
    gitSyncCondition(failed, 'Ready')?.message ?? '',
    /^fetch and render: the render process ended unexpectedly \(killed by SIGKILL\); it is started again for the next sync(;|$)/,
  );
  // The failure backoff (about 2 s) brings the next sync, on a new worker.
  await syncs.waitFor(ns, 'killed', 'Ready', readyAt(second), 30_000);
  assert.equal(await configMapValue(ns, 'killed'), '2');
  const next = await oneWorker(ns);
  assert.notEqual(next, pid);
  const failures = syncLines(`${ns}/killed`).filter((l) => l.result === 'Failed');
  assert.equal(failures.length, 1, 'failed once');
});

test('a render that hangs is stopped at the GitSync’s timeout, its worker with it', async (t) => {
  if (!(await ready(t))) return;
  const ns = await createSyncNamespace(kc, 'worker-hang');
  const repo = newRepo();
  const first = repo.commit({ 'app/cm.json': configMapJson('hung', { v: '1' }) });
  const { server } = await httpGitSync(t, ns, 'hung', repo, { timeout: '4s' });
  await syncs.waitFor(ns, 'hung', 'Ready', readyAt(first));
  server.hold();
  const held = server.fetchHeld();
  const second = repo.commit({ 'app/cm.json': configMapJson('hung', { v: '2' }) });
  await syncs.trigger(ns, 'hung');
  await held;
  const pid = await oneWorker(ns);
  const started = Date.now();
  const failed = await syncs.waitFor(ns, 'hung', 'RenderFailed', failedWith('RenderFailed', second));
  assert.match(gitSyncCondition(failed, 'Ready')?.message ?? '', /^fetch and render took longer than [34]s(;|$)/);
  assert.ok(Date.now() - started < 8_000, `failed after ${Date.now() - started} ms`);
  await waitFor('the hung worker killed', async () => (alive(pid) ? undefined : true), 10_000, 50);
  server.release();
  await syncs.waitFor(ns, 'hung', 'Ready', readyAt(second), 30_000);
  assert.notEqual(await oneWorker(ns), pid, 'a new worker rendered the next sync');
});

test('a GitSync’s render cannot reach another GitSync’s worktree or credentials', async (t) => {
  if (!(await ready(t))) return;
  const victimNs = await createSyncNamespace(kc, 'worker-victim');
  const victim = newRepo();
  const plaintext = marker('victim-data');
  suite.markers.push(plaintext);
  const commit = victim.commit({ 'app/victim.json': configMapJson('victim', { v: plaintext }) });
  const { password } = await httpGitSync(t, victimNs, 'victim', victim, {});
  await syncs.waitFor(victimNs, 'victim', 'Ready', readyAt(commit));
  // Find the victim's worktree (kept between revisions, so it is there while other GitSyncs render).
  const root = join(controller.gitCacheDir ?? '', 'worktrees');
  const victimFile = readdirSync(root)
    .flatMap((url) => readdirSync(join(root, url)).map((ws) => join(root, url, ws, 'app', 'victim.json')))
    .find((path) => existsSync(path));
  assert.ok(victimFile, 'the victim has a worktree');

  const attackerNs = await createSyncNamespace(kc, 'worker-attacker');
  const attacker = newRepo();
  // ../ up to the worktrees folder and down into the victim's, as seen from the attacker's own app/ folder.
  const up = relative(join(root, 'url', 'workspace', 'app'), victimFile);
  const climbing = attacker.commit({ 'app/kustomization.yaml': `resources:\n- ${up}\n` });
  await syncs.create(attackerNs, 'climb', { source: { url: attacker.url, path: 'app' }, interval: '1h' });
  const refused = await syncs.waitFor(attackerNs, 'climb', 'RenderFailed', failedWith('RenderFailed', climbing));
  assert.match(gitSyncCondition(refused, 'Ready')?.message ?? '', /leaves the checkout/);
  const link = newRepo();
  const linked = link.commitLinks({ 'app/link.json': victimFile });
  await syncs.create(attackerNs, 'link', { source: { url: link.url, path: 'app' }, interval: '1h' });
  const linkRefused = await syncs.waitFor(attackerNs, 'link', 'RenderFailed', failedWith('RenderFailed', linked));
  assert.match(gitSyncCondition(linkRefused, 'Ready')?.message ?? '', /symlink points outside the repository/);
  assert.equal(await configMapValue(attackerNs, 'victim'), undefined, 'nothing of the victim was applied');

  // The attacker's renders ran in a process of its own namespace, never beside the victim's credentials.
  const pid = await oneWorker(victimNs);
  assert.notEqual(await oneWorker(attackerNs), pid, "the attacker's namespace has a worker of its own");
  // Credentials live only in the fetch's own session: not in the worker's environment, nowhere in the cache.
  assert.ok(!readFileSync(`/proc/${pid}/environ`, 'utf8').includes(password));
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? files(path) : [path];
    });
  const leaking = files(controller.gitCacheDir ?? '').filter((path) => readFileSync(path).includes(password));
  assert.deepEqual(leaking, [], 'no cached file holds the Git password');
});

test('the render-input digest skips a commit outside the source folder, and never serves a stale render (path, ref, kustomize inputs, links, Helm values)', async (t) => {
  if (!(await ready(t))) return;
  const ns = await createSyncNamespace(kc, 'worker-digest');
  const repo = newRepo();
  const first = repo.commit({
    'app/cm.json': configMapJson('plain', { v: '1' }),
    'app2/cm.json': configMapJson('plain2', { v: '1' }),
    'docs/readme.md': 'one\n',
    'shared/cm.json': configMapJson('linked', { v: '1' }),
    'base/cm.json': configMapJson('kust', { v: '1' }),
    'base/kustomization.yaml': 'resources:\n- cm.json\n',
    'overlay/kustomization.yaml': 'resources:\n- ../base\n',
  });
  await syncs.create(ns, 'plain', { source: { url: repo.url, path: 'app' }, interval: '1h' });
  await syncs.create(ns, 'kust', { source: { url: repo.url, path: 'overlay' }, interval: '1h' });
  await syncs.waitFor(ns, 'plain', 'Ready', readyAt(first));
  await syncs.waitFor(ns, 'kust', 'Ready', readyAt(first));
  const rendered = (name: string, revision: string): boolean | undefined =>
    syncLines(`${ns}/${name}`).find((l) => l.revision === `main@sha1:${revision}` && l.result === 'Succeeded')
      ?.rendered;

  // A commit outside app/: the plain GitSync reuses its objects (not rendered); the kustomization renders again.
  const docs = repo.commit({ 'docs/readme.md': 'two\n' });
  for (const name of ['plain', 'kust']) await syncs.trigger(ns, name);
  await syncs.waitFor(ns, 'plain', 'Ready', readyAt(docs));
  await syncs.waitFor(ns, 'kust', 'Ready', readyAt(docs));
  assert.equal(rendered('plain', docs), false, 'unchanged source folder: not rendered');
  assert.equal(rendered('kust', docs), true);

  // Kustomize inputs outside the kustomization's folder change: applied, not the remembered render.
  const base = repo.commit({ 'base/cm.json': configMapJson('kust', { v: '2' }) });
  await syncs.trigger(ns, 'kust');
  await syncs.waitFor(ns, 'kust', 'Ready', readyAt(base));
  assert.equal(await configMapValue(ns, 'kust'), '2');

  // A link below the folder to a file outside it: a change to that file is applied.
  const linked = repo.commitLinks({ 'app/link.json': '../shared/cm.json' });
  await syncs.trigger(ns, 'plain');
  await syncs.waitFor(ns, 'plain', 'Ready', readyAt(linked));
  assert.equal(await configMapValue(ns, 'linked'), '1');
  const shared = repo.commit({ 'shared/cm.json': configMapJson('linked', { v: '2' }) });
  await syncs.trigger(ns, 'plain');
  await syncs.waitFor(ns, 'plain', 'Ready', readyAt(shared));
  assert.equal(await configMapValue(ns, 'linked'), '2');

  // spec.path changes (same commit): the other folder's objects.
  await syncs.update(ns, 'plain', (o) => void (o.spec.source.path = 'app2'));
  await syncs.waitFor(ns, 'plain', 'Ready', (o) => readyAt(shared)(o) && o.status?.inventory?.entries.length === 1);
  assert.equal(await configMapValue(ns, 'plain2'), '1');
  assert.equal(await configMapValue(ns, 'plain'), undefined, 'app/ pruned');

  // The ref changes to a branch whose app2/ differs.
  const onBranch = repo.commit({ 'app2/cm.json': configMapJson('plain2', { v: 'branch' }) });
  execFileSync('git', [`--git-dir=${repo.bare}`, 'update-ref', 'refs/heads/other', onBranch]);
  await syncs.update(ns, 'plain', (o) => void (o.spec.source.ref = { branch: 'other' }));
  await syncs.waitFor(ns, 'plain', 'Ready', (o) => o.status?.lastAppliedRevision === `other@sha1:${onBranch}`);
  assert.equal(await configMapValue(ns, 'plain2'), 'branch');

  // A chart folder is always rendered (its dependencies come from outside the repository); its values are keyed.
  const chartCommit = repo.commit({
    'chart/Chart.yaml': 'apiVersion: v2\nname: charted\nversion: 1.0.0\n',
    'chart/values.yaml': 'greeting: default\n',
    'chart/templates/cm.yaml':
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: charted\ndata:\n  v: {{ .Values.greeting | quote }}\n',
    'docs/readme.md': 'one\n',
  });
  await core.createNamespacedConfigMap({
    namespace: ns,
    body: { metadata: { name: 'values' }, data: { 'values.yaml': 'greeting: from-config-map\n' } },
  });
  await syncs.create(ns, 'chart', {
    source: { url: repo.url, path: 'chart' },
    interval: '1h',
    helm: { values: { greeting: 'inline-1' } },
  });
  await syncs.waitFor(ns, 'chart', 'Ready', readyAt(chartCommit));
  assert.equal(await configMapValue(ns, 'charted'), 'inline-1');
  const readme = repo.commit({ 'docs/readme.md': 'three\n' });
  await syncs.update(ns, 'chart', (o) => void (o.spec['helm'] = { values: { greeting: 'inline-2' } }));
  await syncs.waitFor(ns, 'chart', 'Ready', (o) => readyAt(readme)(o) && o.status?.observedGeneration === 2);
  assert.equal(await configMapValue(ns, 'charted'), 'inline-2');
  await syncs.update(
    ns,
    'chart',
    (o) => void (o.spec['helm'] = { valuesFrom: [{ kind: 'ConfigMap', name: 'values' }] }),
  );
  await syncs.waitFor(ns, 'chart', 'Ready', (o) => readyAt(readme)(o) && o.status?.observedGeneration === 3);
  assert.equal(await configMapValue(ns, 'charted'), 'from-config-map');
  // valuesFrom changes without a commit or a spec change: the next sync renders with the new values.
  await core.replaceNamespacedConfigMap({
    namespace: ns,
    name: 'values',
    body: { metadata: { name: 'values' }, data: { 'values.yaml': 'greeting: changed\n' } },
  });
  await syncs.trigger(ns, 'chart');
  await waitFor(
    'the new values applied',
    async () => ((await configMapValue(ns, 'charted')) === 'changed' ? true : undefined),
    30_000,
    200,
  );
});
