// The sync engine's SSH transport end to end: OpenSSH's sshd on loopback serves a bare repository, and
// gitseal-controller (a process, against the real kube-apiserver) syncs GitSyncs whose spec.source.secretRef
// holds an ed25519 key (`identity`) and `known_hosts`. Host keys are checked strictly, a key sshd does not
// know is refused, and the private key shows up nowhere: not in the controller's output, a status or an Event,
// nor in a file left behind in the controller's temp or cache directories.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test, type TestContext } from 'node:test';
import type { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { cacheRepoPath } from '@gitseal/sync';
import { isCI, sharedControlPlane } from '../support/index.js';
import { marker } from './cli-harness.js';
import { allControllerOutput, waitFor } from './controller-harness.js';
import {
  generateSshKey,
  privateKeyLines,
  SSHD,
  startSshGitServer,
  type SshGitServer,
  type SshKeyPair,
} from './ssh-git-server.js';
import {
  configMapJson,
  createGitRepo,
  failedWith,
  finishSyncTests,
  gitSyncCondition,
  readyAt,
  createSyncNamespace,
  startSyncController,
  type GitRepo,
  type GitSyncObject,
  type GitSyncs,
} from './sync-harness.js';

const plane = sharedControlPlane();
const markers: string[] = [];
const repos: GitRepo[] = [];
const servers: SshGitServer[] = [];
/** Every GitSync this file made, for the final scan of statuses and Events. */
const made: { namespace: string; name: string }[] = [];

// A key's comment is stored inside its private key file, so it doubles as a plaintext marker.
const comments = ['ssh-client-key', 'ssh-stranger-key', 'ssh-slow-key'].map(marker);
markers.push(...comments);
const [client, stranger, slow] = comments.map(generateSshKey) as [SshKeyPair, SshKeyPair, SshKeyPair];
// `slow` is authorized behind a pause, so a sync with it is caught with its key file on disk.
const keys = [client, stranger, slow];

let kc: KubeConfig;
let core: CoreV1Api;
let syncs: GitSyncs;
let server: SshGitServer;
let setup: Promise<void> | undefined;

async function ready(t: TestContext): Promise<boolean> {
  if (!existsSync(SSHD)) {
    const why = `${SSHD} not found (Debian: apt-get install openssh-server)`;
    if (isCI()) throw new Error(`the SSH transport tests need OpenSSH's sshd under CI: ${why}`);
    t.skip(`SSH transport tests skipped (they fail under CI=true): ${why}`);
    return false;
  }
  const cp = plane.use(t);
  if (!cp) return false;
  setup ??= (async () => {
    server = await startSshGitServer({
      authorizedKeys: [
        { publicKey: client.publicKey },
        { publicKey: slow.publicKey, options: 'command="sleep 1; eval \\"$SSH_ORIGINAL_COMMAND\\""' },
      ],
    });
    servers.push(server);
    ({ kc, core, syncs } = await startSyncController(cp.kubeconfigPath));
  })();
  await setup;
  return true;
}

after(async () => {
  for (const key of keys) markers.push(...leakForms(key));
  try {
    await finishSyncTests('sync-ssh.log', repos, markers);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
});

/** What a leak of a private key would hold: its body, whole or line by line (the first line is alike in every key). */
function leakForms(key: SshKeyPair): string[] {
  const lines = privateKeyLines(key.privateKey);
  return [lines.join(''), ...lines.slice(1).filter((l) => l.length >= 16)];
}

function holdsKey(text: string, key: SshKeyPair): boolean {
  return leakForms(key).some((form) => text.includes(form));
}

function assertNoKeyIn(text: string, where: string): void {
  for (const key of keys) assert.ok(!holdsKey(text, key), `${where} holds a private key`);
  for (const comment of comments) assert.ok(!text.includes(comment), `${where} holds a key's comment (a marker)`);
}

function newRepo(): GitRepo {
  const repo = createGitRepo();
  repos.push(repo);
  return repo;
}

async function createSshSecret(namespace: string, name: string, key: SshKeyPair, knownHosts: string) {
  await core.createNamespacedSecret({
    namespace,
    body: { metadata: { name }, stringData: { identity: key.privateKey, known_hosts: knownHosts } },
  });
}

/** A GitSync on `main`, path `app`, of `url` with the Secret `secret`. */
async function createSshGitSync(namespace: string, name: string, url: string, secret: string) {
  made.push({ namespace, name });
  await syncs.create(namespace, name, {
    source: { url, ref: { branch: 'main' }, path: 'app', secretRef: { name: secret } },
    interval: '1h',
    prune: true,
  });
}

async function configMapData(namespace: string, name: string): Promise<Record<string, string> | undefined> {
  try {
    return (await core.readNamespacedConfigMap({ namespace, name })).data ?? {};
  } catch (error) {
    if ((error as { code?: number }).code === 404) return undefined;
    throw error;
  }
}

/** Failed before anything was applied: no applied revision, empty inventory, the ConfigMap absent. */
async function assertNothingApplied(o: GitSyncObject, namespace: string, configMap: string): Promise<void> {
  assert.equal(o.status?.lastAppliedRevision, undefined);
  assert.deepEqual(o.status?.inventory?.entries ?? [], []);
  assert.equal(await configMapData(namespace, configMap), undefined);
}

test('ssh://: a GitSync with an SSH key and known_hosts becomes Ready, then applies a new commit', async (t) => {
  if (!(await ready(t))) return;
  const ns = await createSyncNamespace(kc, 'sync-ssh');
  const repo = newRepo();
  const first = repo.commit({ 'app/cm.yaml': configMapJson('over-ssh', { v: '1' }) });
  await createSshSecret(ns, 'git-ssh', client, server.knownHosts);
  await createSshGitSync(ns, 'ssh', server.url(repo.bare), 'git-ssh');
  await syncs.waitFor(ns, 'ssh', 'Ready at the first commit', readyAt(first));
  assert.deepEqual(await configMapData(ns, 'over-ssh'), { v: '1' });

  const second = repo.commit({ 'app/cm.yaml': configMapJson('over-ssh', { v: '2' }) });
  await syncs.trigger(ns, 'ssh');
  await syncs.waitFor(ns, 'ssh', 'Ready at the second commit', readyAt(second));
  assert.deepEqual(await configMapData(ns, 'over-ssh'), { v: '2' });
  assert.match(server.output(), new RegExp(`Accepted publickey for ${server.user} from 127\\.0\\.0\\.1`));
});

test('ssh://: a known_hosts entry with another host key fails the fetch; nothing is applied', async (t) => {
  if (!(await ready(t))) return;
  const ns = await createSyncNamespace(kc, 'sync-ssh-hostkey');
  const repo = newRepo();
  repo.commit({ 'app/cm.yaml': configMapJson('never', { v: '1' }) });
  const impostor = generateSshKey('impostor-host').publicKey.split(' ').slice(0, 2).join(' ');
  const wrongKnownHosts = `${server.knownHosts.split(' ')[0]} ${impostor}`;
  await createSshSecret(ns, 'git-ssh', client, wrongKnownHosts);
  await createSshGitSync(ns, 'ssh', server.url(repo.bare), 'git-ssh');
  const o = await syncs.waitFor(ns, 'ssh', 'GitFetchFailed', failedWith('GitFetchFailed'));
  await assertNothingApplied(o, ns, 'never');
  const message = gitSyncCondition(o, 'Ready')?.message ?? '';
  assert.match(message, /host key/i, `the message names the host key check: ${message}`);
  for (const publicKey of [server.knownHosts, wrongKnownHosts]) {
    assert.ok(!message.includes(publicKey.split(' ')[2] ?? '-'), 'the message echoes no key');
  }
  assertNoKeyIn(message, 'the message');
});

test('ssh://: a client key sshd does not accept fails the fetch with a clear message', async (t) => {
  if (!(await ready(t))) return;
  const ns = await createSyncNamespace(kc, 'sync-ssh-denied');
  const repo = newRepo();
  repo.commit({ 'app/cm.yaml': configMapJson('never', { v: '1' }) });
  await createSshSecret(ns, 'git-ssh', stranger, server.knownHosts);
  await createSshGitSync(ns, 'ssh', server.url(repo.bare), 'git-ssh');
  const o = await syncs.waitFor(ns, 'ssh', 'GitFetchFailed', failedWith('GitFetchFailed'));
  await assertNothingApplied(o, ns, 'never');
  const message = gitSyncCondition(o, 'Ready')?.message ?? '';
  assert.match(message, /permission denied|publickey/i, `the message says the key was refused: ${message}`);
  assertNoKeyIn(message, 'the message');
});

test('scp-like user@host:/path: a GitSync syncs over sshd on port 22 (outside CI skipped when port 22 is taken)', async (t) => {
  if (!(await ready(t))) return;
  let port22: SshGitServer;
  try {
    port22 = await startSshGitServer({ authorizedKeys: [{ publicKey: client.publicKey }], port: 22 });
  } catch (error) {
    const why = `scp-like syntax has no port and sshd could not listen on 127.0.0.1:22: ${String(error).split('\n')[0]}`;
    if (isCI()) assert.fail(`${why} (CI must run this test)`);
    t.skip(why);
    return;
  }
  servers.push(port22);
  const ns = await createSyncNamespace(kc, 'sync-ssh-scp');
  const repo = newRepo();
  const commit = repo.commit({ 'app/cm.yaml': configMapJson('scp-like', { v: '1' }) });
  await createSshSecret(ns, 'git-ssh', client, port22.knownHosts);
  await createSshGitSync(ns, 'scp', `${port22.user}@127.0.0.1:${repo.bare}`, 'git-ssh');
  await syncs.waitFor(ns, 'scp', 'Ready', readyAt(commit));
  assert.deepEqual(await configMapData(ns, 'scp-like'), { v: '1' });
  assert.match(port22.output(), /Accepted publickey/);
});

/** Files (below 1 MiB) under `dir` whose text passes `test`. */
function filesMatching(dir: string, matches: (text: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((entry) => join(dir, entry))
    .filter((path) => {
      try {
        const stat = statSync(path);
        return stat.isFile() && stat.size < 1 << 20 && matches(readFileSync(path, 'latin1'));
      } catch {
        return false; // removed while we looked
      }
    });
}

/** The controller's per-session Git dirs (`$TMPDIR/gitseal-git-*`) holding `key`. */
function sessionFilesHolding(key: SshKeyPair): string[] {
  return readdirSync(tmpdir())
    .filter((name) => name.startsWith('gitseal-git-'))
    .flatMap((name) => filesMatching(join(tmpdir(), name), (text) => holdsKey(text, key)));
}

/** Every process's command line (NUL-separated arguments joined by spaces). */
function commandLines(): string[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((pid) => {
      try {
        return [readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ')];
      } catch {
        return []; // exited while we looked
      }
    });
}

test('ssh://: the private key is in no output, status, command line, Event or leftover file', async (t) => {
  if (!(await ready(t))) return;
  const ns = await createSyncNamespace(kc, 'sync-ssh-leaks');
  const repo = newRepo();
  const commit = repo.commit({ 'app/cm.yaml': configMapJson('slow', { v: '1' }) });
  await createSshSecret(ns, 'git-ssh', slow, server.knownHosts);
  const url = server.url(repo.bare);
  await createSshGitSync(ns, 'ssh', url, 'git-ssh');
  // sshd holds every connection of this key for a second: the key file is on disk meanwhile, which shows the
  // scan below looks in the right place.
  const during = await waitFor('the key file of a running sync', async () => sessionFilesHolding(slow)[0], 20_000, 20);
  assert.match(during, /\/identity$/);
  // ssh, caught while it waits on sshd, gets the key file's path and not the key.
  const running = await waitFor('ssh with the key file', async () => {
    const lines = commandLines();
    return lines.some((l) => l.includes(during)) && lines;
  });
  for (const line of running) assert.ok(!holdsKey(line, slow), 'a command line holds the private key');
  await syncs.waitFor(ns, 'ssh', 'Ready', readyAt(commit));

  const cacheDir = join(tmpdir(), 'gitseal-git');
  for (const key of keys) {
    // A session of a GitSync that failed earlier may be retrying right now: only a file that stays is a leak.
    await waitFor('no session file holding a private key', async () => sessionFilesHolding(key).length === 0, 5_000);
    const inCache = [cacheRepoPath(cacheDir, url), join(cacheDir, 'checkouts')].flatMap((dir) =>
      filesMatching(dir, (text) => holdsKey(text, key)),
    );
    assert.deepEqual(inCache, [], 'the Git cache holds no private key');
  }

  assertNoKeyIn(allControllerOutput(), 'the controller output');
  let eventsSeen = 0;
  for (const { namespace, name } of made) {
    const o = await syncs.get(namespace, name);
    assertNoKeyIn(JSON.stringify(o.status ?? {}), `GitSync ${namespace}/${name} status`);
    const events = await core.listNamespacedEvent({ namespace });
    eventsSeen += events.items.length;
    assertNoKeyIn(JSON.stringify(events.items), `the Events in ${namespace}`);
  }
  assert.ok(eventsSeen > 0, 'the GitSyncs recorded Events to scan');
});
