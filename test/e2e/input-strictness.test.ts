// Input strictness (issue 13 §6), each through the real program: JSON with a duplicated key is refused like YAML
// (JSON.parse kept the last: a namespace became kube-system); a manifest that is not UTF-8 is refused by the sync
// render behind `gitseal diff` (it used to be rendered with replacement characters); the GitSync CRD accepts
// exactly the `ref` values the engine accepts (the API server is the judge); `seal --raw --name 'a/b'` is refused;
// a closed stdout (`gitseal seal | head -1`) ends the CLI quietly instead of an EPIPE crash.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CustomObjectsApi } from '@kubernetes/client-node';
import { checkGitRef } from '@gitseal/sync';
import { crdPath, createTestNamespace, installCrd, kubeConfigFor, sharedControlPlane } from '../support/index.js';
import {
  assertFailure,
  BIN,
  makeTempDir,
  marker,
  runCli,
  sealingLine,
  writeKeyPair,
  type KeyFiles,
} from './cli-harness.js';

const plane = sharedControlPlane();
let temp: { dir: string; cleanup: () => Promise<void> };
let keys: KeyFiles;

before(async () => {
  temp = await makeTempDir();
  keys = await writeKeyPair(temp.dir, 'seal');
});
after(() => temp?.cleanup());

test('seal refuses JSON that names a key twice instead of sealing for the last value', async () => {
  const secret = marker('dup');
  const text =
    '{"apiVersion": "v1", "kind": "Secret",\n' +
    ' "metadata": {"name": "db", "namespace": "apps", "namespace": "kube-system"},\n' +
    ` "stringData": {"password": "${secret}"}}\n`;
  const result = await runCli(['seal', '--cert', keys.certPath], { input: text });
  assertFailure(result, { mentions: ['stdin', 'invalid JSON at line 2', 'duplicated mapping key'], markers: [secret] });
  assert.doesNotMatch(result.stderr, /kube-system/);
});

test('seal --raw refuses a name or namespace that would change the scope label (a/b)', async () => {
  const value = join(temp.dir, 'value');
  await writeFile(value, 'v');
  const raw = ['seal', '--raw', '--cert', keys.certPath, '--from-file', `k=${value}`];
  assertFailure(await runCli([...raw, '-n', 'apps', '--name', 'a/b']), {
    code: 2,
    mentions: ['--name "a/b": not a valid object name'],
  });
  assertFailure(await runCli([...raw, '-n', 'apps/x', '--scope', 'namespace-wide']), {
    code: 2,
    mentions: ['--namespace "apps/x": not a valid namespace'],
  });
  const ok = await runCli([...raw, '-n', 'apps', '--name', 'a.b-c']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /^gs2:/);
});

/** Runs `gitseal ARGS | head -1` under bash with pipefail: gitseal's own exit status and stderr. */
function pipedToHead(args: readonly string[]): Promise<{ status: string; stderr: string; head: string }> {
  const quoted = args.map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  const errFile = join(temp.dir, `stderr-${Math.random().toString(36).slice(2)}`);
  const script = `set -o pipefail; "${process.execPath}" "${BIN}" ${quoted} 2>"${errFile}" | head -1; echo "status=\${PIPESTATUS[0]}"; cat "${errFile}" >&2`;
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', () => {
      const [head = '', status = ''] = stdout.split('\n');
      resolve({ head, status, stderr });
    });
  });
}

test('a closed stdout (gitseal seal | head -1) ends the command quietly, no EPIPE crash', async () => {
  const many = Array.from(
    { length: 400 },
    (_, i) => `apiVersion: v1\nkind: Secret\nmetadata: {name: s${i}, namespace: apps}\nstringData: {k: v${i}}\n`,
  ).join('---\n');
  const file = join(temp.dir, 'many.yaml');
  await writeFile(file, many);
  const result = await pipedToHead(['seal', '--cert', keys.certPath, '-f', file]);
  assert.equal(result.head, 'apiVersion: gitseal.dev/v1alpha1');
  assert.equal(result.status, 'status=0', `exit status (stderr: ${result.stderr})`);
  assert.equal(result.stderr, `${sealingLine(keys)}\n`, 'only the certificate line on stderr');
});

test('gitseal diff refuses a manifest that is not UTF-8 instead of rendering replacement characters', async (t) => {
  const cp = plane.use(t);
  if (!cp) return;
  const dir = join(temp.dir, 'latin1');
  await mkdir(dir);
  const head = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: menu, namespace: default}\ndata: {dish: "caf';
  await writeFile(join(dir, 'menu.yaml'), Buffer.concat([Buffer.from(head), Buffer.from([0xe9, 0x22, 0x7d, 0x0a])]));
  const result = await runCli(['diff', '--path', dir, '--kubeconfig', cp.kubeconfigPath]);
  assertFailure(result, { mentions: ['menu.yaml', 'not UTF-8 text'] });
});

test('the GitSync CRD accepts exactly the ref values the sync engine accepts (the API server judges)', async (t) => {
  const cp = plane.use(t);
  if (!cp) return;
  const kc = kubeConfigFor(cp.kubeconfigPath);
  await installCrd(kc, crdPath('gitsyncs.gitseal.dev.yaml'));
  const namespace = await createTestNamespace(kc, 'refs');
  const api = kc.makeApiClient(CustomObjectsApi);
  const sha1 = 'a'.repeat(40);
  const refs: Record<string, string>[] = [
    { commit: sha1 },
    { commit: 'b'.repeat(64) },
    { commit: sha1, branch: 'main' },
    { commit: 'abc1234' }, // abbreviated: the old CRD let it through, then every sync failed on it
    { commit: 'c'.repeat(39) },
    { commit: sha1.toUpperCase() },
    { commit: 'd'.repeat(50) },
    { commit: sha1, tag: 'v1' },
    { commit: sha1, semver: '^1' },
    { branch: 'main', tag: 'v1' },
    { branch: 'main' },
    { tag: 'v1.2.3' },
    {},
  ];
  let n = 0;
  for (const ref of refs) {
    let engine = true;
    try {
      checkGitRef(ref);
    } catch {
      engine = false;
    }
    const name = `ref-${n++}`;
    const body = {
      apiVersion: 'gitseal.dev/v1alpha1',
      kind: 'GitSync',
      metadata: { name, namespace },
      spec: { source: { url: 'https://example.invalid/repo.git', ref }, interval: '1m' },
    };
    let server = true;
    let why = '';
    try {
      await api.createNamespacedCustomObject({
        group: 'gitseal.dev',
        version: 'v1alpha1',
        namespace,
        plural: 'gitsyncs',
        body,
      });
    } catch (error) {
      const code = (error as { code?: number }).code;
      assert.equal(code, 422, `ref ${JSON.stringify(ref)}: ${String(error)}`);
      server = false;
      why = String((error as { body?: unknown }).body ?? '');
    }
    assert.equal(server, engine, `ref ${JSON.stringify(ref)}: API server ${server}, engine ${engine} ${why}`);
  }
});
