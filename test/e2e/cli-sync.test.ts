// `gitseal sync list|status|now|suspend|resume` against the real control plane. The GitSync reconciler is not
// running here: the tests write the status subresource the way the controller does and check what the CLI prints,
// and read back what the CLI wrote for now/suspend/resume.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { patchStatus } from '@gitseal/kube';
import { dump, load } from 'js-yaml';
import { assertFailure, assertSuccess, makeTempDir, runCli } from './cli-harness.js';
import { runCliInTerminal } from './cli-terminal.js';
import { createTestNamespace, crdPath, installCrd, kubeConfigFor, sharedControlPlane } from '../support/index.js';

const shared = sharedControlPlane();

let dir: string;
let cleanup: () => Promise<void>;
before(async () => {
  ({ dir, cleanup } = await makeTempDir());
});
after(() => cleanup());

interface Env {
  readonly kc: KubeConfig;
  readonly kubeconfig: string;
  readonly namespace: string;
  readonly api: CustomObjectsApi;
}

let crd: Promise<unknown> | undefined;

async function setup(t: TestContext, prefix: string): Promise<Env | undefined> {
  const plane = shared.use(t);
  if (plane === undefined) return undefined;
  const kc = kubeConfigFor(plane.kubeconfigPath);
  crd ??= installCrd(kc, crdPath('gitsyncs.gitseal.dev.yaml'));
  await crd;
  return {
    kc,
    kubeconfig: plane.kubeconfigPath,
    namespace: await createTestNamespace(kc, prefix),
    api: kc.makeApiClient(CustomObjectsApi),
  };
}

const GROUP = { group: 'gitseal.dev', version: 'v1alpha1', plural: 'gitsyncs' };

interface GitSyncJson {
  metadata: { name: string; namespace: string; annotations?: Record<string, string> };
  spec: { suspend?: boolean; source: { url: string } };
}

async function createGitSync(env: Env, name: string, spec: Record<string, unknown> = {}): Promise<void> {
  await env.api.createNamespacedCustomObject({
    ...GROUP,
    namespace: env.namespace,
    body: {
      apiVersion: 'gitseal.dev/v1alpha1',
      kind: 'GitSync',
      metadata: { name, namespace: env.namespace },
      spec: { source: { url: 'https://git.example/app.git', ref: { branch: 'main' }, path: 'deploy' }, ...spec },
    },
  });
}

/** Writes the status subresource as the controller would. */
async function writeStatus(env: Env, name: string, status: Record<string, unknown>): Promise<void> {
  await patchStatus(env.api, { ...GROUP, namespace: env.namespace, name, kind: 'GitSync' }, status, {
    fieldManager: 'gitseal-controller',
  });
}

async function readGitSync(env: Env, name: string): Promise<GitSyncJson> {
  return (await env.api.getNamespacedCustomObject({ ...GROUP, namespace: env.namespace, name })) as GitSyncJson;
}

/** A copy of the kubeconfig with its context's namespace and/or server changed. */
async function kubeconfigVariant(
  env: Env,
  file: string,
  change: { namespace?: string; server?: string },
): Promise<string> {
  const config = load(await readFile(env.kubeconfig, 'utf8')) as {
    clusters: { cluster: { server: string } }[];
    contexts: { context: { namespace?: string } }[];
  };
  for (const { cluster } of config.clusters) if (change.server !== undefined) cluster.server = change.server;
  for (const { context } of config.contexts) if (change.namespace !== undefined) context.namespace = change.namespace;
  const path = join(dir, file);
  await writeFile(path, dump(config), { mode: 0o600 });
  return path;
}

const minutesAgo = (minutes: number): string =>
  new Date(Date.now() - minutes * 60_000).toISOString().replace(/\.\d+Z$/, 'Z');

const readyStatus = (): Record<string, unknown> & { lastAppliedRevision: string } => ({
  observedGeneration: 1,
  lastAppliedRevision: 'main@sha1:1111111111111111111111111111111111111111',
  lastAttemptedRevision: 'main@sha1:2222222222222222222222222222222222222222',
  conditions: [
    {
      type: 'Ready',
      status: 'False',
      reason: 'ApplyFailed',
      message: 'Deployment web: field is immutable',
      lastTransitionTime: minutesAgo(20),
      observedGeneration: 1,
    },
    { type: 'Reconciling', status: 'False', reason: 'Failed', message: 'gave up', lastTransitionTime: minutesAgo(20) },
    { type: 'Stalled', status: 'True', reason: 'ApplyFailed', message: 'retrying', lastTransitionTime: minutesAgo(20) },
  ],
  inventory: {
    entries: [
      { id: 'app_web_apps_Deployment', v: 'v1' },
      { id: 'app_web__Service', v: 'v1' },
      { id: 'app_cfg__ConfigMap', v: 'v1' },
    ],
  },
  history: [
    {
      revision: 'main@sha1:2222222222222222222222222222222222222222',
      digest: 'sha256:bbbb',
      result: 'Failed',
      startedAt: minutesAgo(20),
      duration: '1.5s',
      objectsChanged: 0,
    },
    {
      revision: 'main@sha1:1111111111111111111111111111111111111111',
      digest: 'sha256:aaaa',
      result: 'Succeeded',
      startedAt: minutesAgo(30),
      duration: '4s',
      objectsChanged: 3,
    },
  ],
});

/** The data rows of a `sync list` table, split on runs of spaces (MESSAGE, the last column, is split too). */
function rows(stdout: string): string[][] {
  const lines = stdout.trimEnd().split('\n');
  assert.deepEqual(lines[0]?.split(/\s+/), [
    'NAMESPACE',
    'NAME',
    'READY',
    'REASON',
    'REVISION',
    'AGE',
    'SUSPENDED',
    'MESSAGE',
  ]);
  return lines.slice(1).map((line) => line.split(/\s+/));
}

test('sync list: rows from conditions and status, -n, -A and the context namespace', async (t) => {
  const env = await setup(t, 'sync-list');
  if (env === undefined) return;
  await createGitSync(env, 'web');
  await createGitSync(env, 'api', { suspend: true });
  const status = readyStatus();
  await writeStatus(env, 'web', {
    ...status,
    conditions: [
      { type: 'Ready', status: 'True', reason: 'Succeeded', message: 'applied', lastTransitionTime: minutesAgo(1) },
    ],
  });
  const other = await setup(t, 'sync-list-other');
  assert.ok(other);
  await createGitSync(other, 'elsewhere');

  const listed = await runCli(['sync', 'list', '-n', env.namespace, '--kubeconfig', env.kubeconfig]);
  assertSuccess(listed);
  const table = rows(listed.stdout);
  assert.equal(table.length, 2, listed.stdout);
  const [api, web] = table;
  assert.deepEqual(api?.slice(0, 5), [env.namespace, 'api', 'Unknown', '-', '-']);
  assert.deepEqual(api?.slice(6), ['true', '-']);
  assert.deepEqual(web?.slice(0, 5), [env.namespace, 'web', 'True', 'Succeeded', status.lastAppliedRevision]);
  assert.deepEqual(web?.slice(6), ['false', 'applied']);
  assert.match(web?.[5] ?? '', /^\d+s$/, 'age of a just-created object');

  const all = await runCli(['sync', 'list', '-A', '--kubeconfig', env.kubeconfig]);
  assertSuccess(all);
  const names = rows(all.stdout).map((row) => `${row[0]}/${row[1]}`);
  for (const expected of [`${env.namespace}/api`, `${env.namespace}/web`, `${other.namespace}/elsewhere`]) {
    assert.ok(names.includes(expected), `-A lists ${expected}`);
  }

  const contextual = await kubeconfigVariant(env, 'ns-context', { namespace: other.namespace });
  const byContext = await runCli(['sync', 'list', '--kubeconfig', contextual]);
  assertSuccess(byContext);
  assert.deepEqual(
    rows(byContext.stdout).map((row) => row[1]),
    ['elsewhere'],
    'without -n the context namespace is used',
  );

  const empty = await createTestNamespace(env.kc, 'sync-list-empty');
  const none = await runCli(['sync', 'list', '-n', empty, '--kubeconfig', env.kubeconfig]);
  assertSuccess(none);
  assert.equal(none.stdout, `No GitSyncs found in namespace ${empty}.\n`);

  const both = await runCli(['sync', 'list', '-A', '-n', env.namespace, '--kubeconfig', env.kubeconfig]);
  assertFailure(both, { code: 2, mentions: ['--all-namespaces', '--namespace'] });
});

test('sync status: conditions with reasons and messages, revisions, inventory count, history', async (t) => {
  const env = await setup(t, 'sync-status');
  if (env === undefined) return;
  await createGitSync(env, 'web', { interval: '10m' });
  const before = await runCli(['sync', 'status', 'web', '-n', env.namespace, '--kubeconfig', env.kubeconfig]);
  assertSuccess(before);
  assert.match(before.stdout, /Ready: +Unknown\n/);
  assert.match(before.stdout, /Conditions: none reported yet\n/);
  assert.match(before.stdout, /History: none\n/);

  await writeStatus(env, 'web', readyStatus());
  const result = await runCli(['sync', 'status', 'web', '-n', env.namespace, '--kubeconfig', env.kubeconfig]);
  assertSuccess(result);
  const out = result.stdout;
  assert.match(out, new RegExp(`^GitSync: +${env.namespace}/web\\n`));
  assert.match(out, /Source: +https:\/\/git\.example\/app\.git \(branch main\) path deploy\n/);
  assert.match(out, /Interval: +10m\n/);
  assert.match(out, /Suspended: +false\n/);
  assert.match(out, /Ready: +False\n/);
  assert.match(out, /Last applied revision: +main@sha1:1{40}\n/);
  assert.match(out, /Last attempted revision: +main@sha1:2{40}\n/);
  assert.match(out, /Observed generation: +1 of generation 1\n/);
  assert.match(out, /Inventory: +3 object\(s\)\n/);
  assert.match(out, /Ready +False +ApplyFailed +20m +Deployment web: field is immutable\n/);
  assert.match(out, /Reconciling +False +Failed +20m +gave up\n/);
  assert.match(out, /Stalled +True +ApplyFailed +20m +retrying\n/);
  assert.match(out, /main@sha1:2{40} +sha256:bbbb +Failed +\S+ \(20m ago\) +1\.5s +0\n/);
  assert.match(out, /main@sha1:1{40} +sha256:aaaa +Succeeded +\S+ \(30m ago\) +4s +3\n/);
  assert.ok(out.indexOf('sha256:bbbb') < out.indexOf('sha256:aaaa'), 'history in the order the status gives');
});

test('sync now sets gitseal.dev/requested-at to the current time; suspend and resume set spec.suspend', async (t) => {
  const env = await setup(t, 'sync-patch');
  if (env === undefined) return;
  await createGitSync(env, 'web');
  const args = ['-n', env.namespace, '--kubeconfig', env.kubeconfig];

  const start = Date.now();
  const now = await runCli(['sync', 'now', 'web', ...args]);
  const end = Date.now();
  assertSuccess(now);
  const first = (await readGitSync(env, 'web')).metadata.annotations?.['gitseal.dev/requested-at'];
  assert.ok(first !== undefined, 'annotation set');
  assert.match(first, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/, 'RFC 3339');
  const at = Date.parse(first);
  assert.ok(at >= start - 1000 && at <= end + 1000, `requested-at ${first} is the time of the call`);
  assert.equal(now.stdout, `GitSync ${env.namespace}/web: sync requested at ${first}\n`);

  await sleep(20);
  assertSuccess(await runCli(['sync', 'now', 'web', ...args]));
  const second = (await readGitSync(env, 'web')).metadata.annotations?.['gitseal.dev/requested-at'];
  assert.ok(second !== undefined && second !== first, 'a second request changes the value');

  const suspended = await runCli(['sync', 'suspend', 'web', ...args]);
  assertSuccess(suspended);
  assert.equal(suspended.stdout, `GitSync ${env.namespace}/web: suspended\n`);
  assert.equal((await readGitSync(env, 'web')).spec.suspend, true);
  const listed = await runCli(['sync', 'list', ...args]);
  assert.equal(rows(listed.stdout)[0]?.[6], 'true');

  const nowSuspended = await runCli(['sync', 'now', 'web', ...args]);
  assertSuccess(nowSuspended);
  assert.match(nowSuspended.stdout, /\(suspended: nothing is synced until `gitseal sync resume`\)\n$/);

  const resumed = await runCli(['sync', 'resume', 'web', ...args]);
  assertSuccess(resumed);
  assert.equal(resumed.stdout, `GitSync ${env.namespace}/web: resumed\n`);
  const stored = await readGitSync(env, 'web');
  assert.equal(stored.spec.suspend, false);
  assert.equal(stored.spec.source.url, 'https://git.example/app.git', 'the merge patch keeps the rest of the spec');
});

test('a missing GitSync is "not found" with exit 1; an unreachable API server exits 3', async (t) => {
  const env = await setup(t, 'sync-missing');
  if (env === undefined) return;
  for (const verb of ['status', 'now', 'suspend', 'resume']) {
    const result = await runCli(['sync', verb, 'ghost', '-n', env.namespace, '--kubeconfig', env.kubeconfig]);
    assertFailure(result, { code: 1, mentions: [`GitSync ${env.namespace}/ghost: not found`] });
  }
  const unreachable = await kubeconfigVariant(env, 'unreachable', { server: 'https://127.0.0.1:1' });
  for (const args of [['list'], ['status', 'web'], ['now', 'web']]) {
    const result = await runCli(['sync', ...args, '-n', env.namespace, '--kubeconfig', unreachable]);
    assertFailure(result, { code: 3, mentions: ['GitSync'] });
  }
  assertFailure(await runCli(['sync', 'list', '--kubeconfig', join(dir, 'missing')]), {
    code: 1,
    mentions: ['missing', 'not found'],
  });
});

test('sync list -o json|yaml: a GitSyncList with REASON and MESSAGE; on a terminal MESSAGE is cut to the width', async (t) => {
  const env = await setup(t, 'sync-list-output');
  if (env === undefined) return;
  await createGitSync(env, 'web');
  await createGitSync(env, 'api', { suspend: true });
  const long = `Deployment web: ${'field is immutable; '.repeat(20)}end`;
  await writeStatus(env, 'web', {
    ...readyStatus(),
    conditions: [
      { type: 'Ready', status: 'False', reason: 'ApplyFailed', message: long, lastTransitionTime: minutesAgo(2) },
    ],
  });
  const args = ['-n', env.namespace, '--kubeconfig', env.kubeconfig];
  const json = await runCli(['sync', 'list', '-o', 'json', ...args]);
  assertSuccess(json);
  const list = JSON.parse(json.stdout) as { apiVersion: string; kind: string; items: Record<string, unknown>[] };
  assert.equal(list.apiVersion, 'cli.gitseal.dev/v1alpha1');
  assert.equal(list.kind, 'GitSyncList');
  assert.equal(list.items.length, 2);
  assert.deepEqual(list.items[0], {
    namespace: env.namespace,
    name: 'api',
    ready: 'Unknown',
    reason: null,
    message: null,
    revision: null,
    suspended: true,
    createdAt: list.items[0]?.['createdAt'],
  });
  assert.match(String(list.items[0]?.['createdAt']), /^\d{4}-\d\d-\d\dT/);
  assert.deepEqual(
    { ...list.items[1], createdAt: undefined },
    {
      namespace: env.namespace,
      name: 'web',
      ready: 'False',
      reason: 'ApplyFailed',
      message: long,
      revision: readyStatus().lastAppliedRevision,
      suspended: false,
      createdAt: undefined,
    },
  );
  const yaml = await runCli(['sync', 'list', '--output', 'yaml', ...args]);
  assertSuccess(yaml);
  assert.deepEqual(load(yaml.stdout), list, 'yaml is the same document');

  const empty = await createTestNamespace(env.kc, 'sync-list-output-empty');
  const none = await runCli(['sync', 'list', '-o', 'json', '-n', empty, '--kubeconfig', env.kubeconfig]);
  assertSuccess(none);
  assert.deepEqual(JSON.parse(none.stdout), { apiVersion: 'cli.gitseal.dev/v1alpha1', kind: 'GitSyncList', items: [] });

  const piped = await runCli(['sync', 'list', ...args]);
  assert.ok(piped.stdout.includes(long), 'a pipe gets the whole message');
  const tty = await runCliInTerminal(['sync', 'list', ...args], { columns: 170, env: { KUBECONFIG: env.kubeconfig } });
  assert.equal(tty.code, 0, tty.screen);
  const lines = tty.screen.split('\r\n').filter((line) => line !== '');
  assert.ok(lines.length >= 3, tty.screen);
  for (const line of lines) assert.ok([...line].length <= 170, `fits 170 columns: ${line}`);
  assert.match(tty.screen, /ApplyFailed .* Deployment web: field is immutable; .*…/);

  const bad = await runCli(['sync', 'list', '-o', 'xml', ...args]);
  assertFailure(bad, { code: 2, mentions: ['xml', 'text, json, yaml'] });
});

test('sync status -o json|yaml: a GitSyncStatus with conditions, revisions and history', async (t) => {
  const env = await setup(t, 'sync-status-output');
  if (env === undefined) return;
  await createGitSync(env, 'web', { interval: '10m' });
  await writeStatus(env, 'web', readyStatus());
  const args = ['-n', env.namespace, '--kubeconfig', env.kubeconfig];
  const json = await runCli(['sync', 'status', 'web', '-o', 'json', ...args]);
  assertSuccess(json);
  const status = JSON.parse(json.stdout) as Record<string, unknown>;
  assert.equal(status['apiVersion'], 'cli.gitseal.dev/v1alpha1');
  assert.equal(status['kind'], 'GitSyncStatus');
  assert.equal(status['name'], 'web');
  assert.equal(status['ready'], 'False');
  assert.equal(status['reason'], 'ApplyFailed');
  assert.deepEqual(status['source'], {
    url: 'https://git.example/app.git',
    ref: 'branch main',
    path: 'deploy',
    chart: null,
  });
  assert.equal(status['interval'], '10m');
  assert.equal(status['lastAttemptedRevision'], readyStatus().lastAttemptedRevision);
  assert.equal(status['inventoryCount'], 3);
  const conditions = status['conditions'] as { type: string; reason: string }[];
  assert.deepEqual(
    conditions.map((c) => `${c.type}/${c.reason}`),
    ['Ready/ApplyFailed', 'Reconciling/Failed', 'Stalled/ApplyFailed'],
  );
  const history = status['history'] as { result: string; objectsChanged: number; digest: string }[];
  assert.deepEqual(
    history.map((h) => [h.digest, h.result, h.objectsChanged]),
    [
      ['sha256:bbbb', 'Failed', 0],
      ['sha256:aaaa', 'Succeeded', 3],
    ],
  );
  const yaml = await runCli(['sync', 'status', 'web', '-o', 'yaml', ...args]);
  assertSuccess(yaml);
  assert.deepEqual(load(yaml.stdout), status);
  const missing = await runCli(['sync', 'status', 'ghost', '-o', 'json', ...args]);
  assertFailure(missing, { code: 1, mentions: [`GitSync ${env.namespace}/ghost: not found`] });
});

test('sync now --wait: the phase on a terminal while waiting, nothing of it in a pipe', async (t) => {
  const env = await setup(t, 'sync-wait-progress');
  if (env === undefined) return;
  await createGitSync(env, 'web');
  const args = ['sync', 'now', 'web', '--wait', '--timeout', '30s', '-n', env.namespace];
  // Plays the controller: Reconciling with a message while the CLI waits, then the request handled and Ready.
  const controller = async (previous?: string): Promise<string> => {
    let requestedAt: string | undefined;
    while (requestedAt === undefined || requestedAt === previous) {
      await sleep(100);
      requestedAt = (await readGitSync(env, 'web')).metadata.annotations?.['gitseal.dev/requested-at'];
    }
    await writeStatus(env, 'web', {
      conditions: [
        {
          type: 'Reconciling',
          status: 'True',
          reason: 'Progressing',
          message: 'applying wave 2',
          lastTransitionTime: minutesAgo(0),
        },
      ],
    });
    await sleep(1500);
    await writeStatus(env, 'web', {
      lastHandledRequestedAt: requestedAt,
      conditions: [
        { type: 'Ready', status: 'True', reason: 'Succeeded', message: 'applied', lastTransitionTime: minutesAgo(0) },
        {
          type: 'Reconciling',
          status: 'False',
          reason: 'Succeeded',
          message: 'done',
          lastTransitionTime: minutesAgo(0),
        },
      ],
    });
    return requestedAt;
  };
  const [tty, first] = await Promise.all([
    runCliInTerminal(args, { env: { KUBECONFIG: env.kubeconfig } }),
    controller(),
  ]);
  assert.equal(tty.code, 0, tty.screen);
  assert.match(
    tty.screen,
    new RegExp(`\\rGitSync ${env.namespace}/web: Reconciling \\(Progressing\\): applying wave 2\\u001b\\[K`),
  );
  assert.match(tty.screen, /sync handled: Ready=True \(Succeeded\): applied/);

  await writeStatus(env, 'web', { conditions: [] });
  const [piped] = await Promise.all([runCli([...args, '--kubeconfig', env.kubeconfig]), controller(first)]);
  assertSuccess(piped);
  const printed = piped.stdout + piped.stderr;
  for (const text of ['Reconciling', '\r', '\u001b']) assert.ok(!printed.includes(text), JSON.stringify(text));
});
