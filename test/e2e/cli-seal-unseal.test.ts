import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { load, loadAll } from 'js-yaml';
import {
  assertFailure,
  assertNoMarkers,
  assertSuccess,
  makeTempDir,
  marker,
  loadVectorCases,
  runCli,
  sealingLine,
  writeKeyPair,
  writeVectorKey,
  type KeyFiles,
} from './cli-harness.js';

let dir: string;
let cleanup: () => Promise<void>;
let pair: KeyFiles;
let other: KeyFiles;

before(async () => {
  ({ dir, cleanup } = await makeTempDir());
  pair = await writeKeyPair(dir, 'main');
  other = await writeKeyPair(dir, 'other');
});
after(() => cleanup());

const b64 = (s: string): string => Buffer.from(s).toString('base64');

interface SecretDoc {
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  type?: string;
  immutable?: boolean;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  spec?: { encryptedData: Record<string, string>; template?: { metadata?: { annotations?: Record<string, string> } } };
  apiVersion: string;
  items?: SecretDoc[];
}

function secretYaml(name: string, namespace: string, data: Record<string, string>): string {
  const lines = Object.entries(data).map(([k, v]) => `  ${k}: ${b64(v)}`);
  return [
    'apiVersion: v1',
    'kind: Secret',
    'metadata:',
    `  name: ${name}`,
    `  namespace: ${namespace}`,
    'data:',
    ...lines,
    '',
  ].join('\n');
}

async function seal(input: string, args: string[] = []): Promise<string> {
  const result = await runCli(['seal', '--cert', pair.certPath, ...args], { input });
  assertSuccess(result, [sealingLine(pair)]);
  return result.stdout;
}

async function unseal(input: string, key = pair.keyPath, args: string[] = []): Promise<SecretDoc[]> {
  const result = await runCli(['unseal', '--private-key', key, ...args], { input });
  assertSuccess(result);
  return loadAll(result.stdout) as SecretDoc[];
}

const decode = (doc: SecretDoc | undefined, key: string): string =>
  Buffer.from(doc?.data?.[key] ?? '', 'base64').toString();

describe('seal → unseal round trips', () => {
  test('YAML: plaintext never appears in the sealed output; unseal restores every value', async () => {
    const password = marker('pw');
    const sealed = await seal(secretYaml('db', 'prod', { password, username: 'admin' }));
    assertNoMarkers(sealed, [password], 'sealed output');
    const doc = load(sealed) as SecretDoc;
    assert.equal(doc.apiVersion, 'gitseal.dev/v1alpha1');
    assert.equal(doc.kind, 'SealedSecret');
    assert.match(doc.spec?.encryptedData['password'] ?? '', /^gs2:/);
    const [secret] = await unseal(sealed);
    assert.equal(secret?.metadata.name, 'db');
    assert.equal(secret?.metadata.namespace, 'prod');
    assert.equal(decode(secret, 'password'), password);
    assert.equal(decode(secret, 'username'), 'admin');
  });

  test('JSON in, JSON out, with stringData folded into data and template fields kept', async () => {
    const token = marker('token');
    const input = JSON.stringify({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'api',
        namespace: 'team',
        labels: { app: 'web' },
        annotations: { note: 'kept', 'kubectl.kubernetes.io/last-applied-configuration': '{"x":1}' },
        ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'o', uid: 'u' }],
      },
      type: 'kubernetes.io/basic-auth',
      immutable: true,
      data: { username: b64('svc') },
      stringData: { password: token },
    });
    const sealedJson = await seal(input, ['-o', 'json']);
    const sealed = JSON.parse(sealedJson) as SecretDoc & { spec: { template: Record<string, unknown> } };
    assert.deepEqual(Object.keys(sealed.spec.encryptedData).sort(), ['password', 'username']);
    const template = sealed.spec.template as { metadata: Record<string, unknown>; type: string; immutable: boolean };
    assert.equal(template.type, 'kubernetes.io/basic-auth');
    assert.equal(template.immutable, true);
    assert.deepEqual(template.metadata['labels'], { app: 'web' });
    assert.deepEqual(template.metadata['annotations'], { note: 'kept' });
    assert.ok(!sealedJson.includes('ownerReferences'));
    assert.ok(!sealedJson.includes('last-applied-configuration'));
    const result = await runCli(['unseal', '--private-key', pair.keyPath, '--format', 'json'], { input: sealedJson });
    assertSuccess(result);
    const secret = JSON.parse(result.stdout) as SecretDoc;
    assert.equal(decode(secret, 'password'), token);
    assert.equal(secret.type, 'kubernetes.io/basic-auth');
    assert.equal(secret.immutable, true);
  });

  test('multi-document input seals each Secret; a List too', async () => {
    const a = marker('a');
    const b = marker('b');
    const multi = `${secretYaml('one', 'ns', { k: a })}---\n${secretYaml('two', 'ns', { k: b })}`;
    const secrets = await unseal(await seal(multi));
    assert.deepEqual(
      secrets.map((s) => [s.metadata.name, decode(s, 'k')]),
      [
        ['one', a],
        ['two', b],
      ],
    );
    const list = JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: [load(secretYaml('l1', 'ns', { k: a })), load(secretYaml('l2', 'ns', { k: b }))],
    });
    const fromList = await unseal(await seal(list));
    assert.deepEqual(
      fromList.map((s) => decode(s, 'k')),
      [a, b],
    );
  });

  test('-f FILE and -w FILE', async () => {
    const value = marker('file');
    const input = join(dir, 'in.yaml');
    const output = join(dir, 'out.yaml');
    await writeFile(input, secretYaml('f', 'ns', { k: value }));
    const result = await runCli(['seal', '--cert', pair.certPath, '-f', input, '-w', output]);
    assertSuccess(result, [sealingLine(pair)]);
    assert.equal(result.stdout, '');
    const [secret] = await unseal(await readFile(output, 'utf8'));
    assert.equal(decode(secret, 'k'), value);
  });

  test('--scope cluster-wide and namespace-wide are annotated and unseal anywhere they allow', async () => {
    const value = marker('scope');
    const cluster = await seal(secretYaml('c', 'ns', { k: value }), ['--scope', 'cluster-wide']);
    assert.match(cluster, /gitseal\.dev\/cluster-wide: 'true'/);
    const moved = cluster.replace(/namespace: ns/g, 'namespace: elsewhere').replace(/name: c$/gm, 'name: renamed');
    assert.equal(decode((await unseal(moved))[0], 'k'), value);
    const nsWide = await seal(secretYaml('nw', 'ns', { k: value }), ['--scope', 'namespace-wide']);
    assert.match(nsWide, /gitseal\.dev\/namespace-wide: 'true'/);
    assert.equal(decode((await unseal(nsWide.replace(/name: nw$/gm, 'name: renamed')))[0], 'k'), value);
  });

  test('a Secret without namespace takes --namespace', async () => {
    const value = marker('nsopt');
    const input = ['apiVersion: v1', 'kind: Secret', 'metadata:', '  name: x', 'data:', `  k: ${b64(value)}`, ''].join(
      '\n',
    );
    const sealed = await seal(input, ['--namespace', 'given']);
    const [secret] = await unseal(sealed);
    assert.equal(secret?.metadata.namespace, 'given');
    assert.equal(decode(secret, 'k'), value);
  });
});

describe('Bitnami interop', () => {
  test('--api-version bitnami.com/v1alpha1 writes v1 values and Bitnami annotations; the vectors key opens them', async () => {
    const key1 = await writeVectorKey(dir, 'key1');
    const value = marker('bitnami');
    const result = await runCli(
      ['seal', '--cert', key1.certPath, '--api-version', 'bitnami.com/v1alpha1', '--scope', 'namespace-wide'],
      { input: secretYaml('bn', 'prod', { k: value }) },
    );
    assertSuccess(result, [sealingLine(key1)]);
    const doc = load(result.stdout) as SecretDoc;
    assert.equal(doc.apiVersion, 'bitnami.com/v1alpha1');
    assert.equal(doc.metadata.annotations?.['sealedsecrets.bitnami.com/namespace-wide'], 'true');
    assert.match(doc.spec?.encryptedData['k'] ?? '', /^[A-Za-z0-9+/]+=*$/);
    // The vectors' RSA-4096 key: a v1 value has a 512-byte RSA block behind its 2-byte length prefix.
    assert.equal(Buffer.from(doc.spec?.encryptedData['k'] ?? '', 'base64').readUInt16BE(0), 512);
    const [secret] = await unseal(result.stdout, key1.keyPath);
    assert.equal(decode(secret, 'k'), value);
  });

  test('unseal opens the interop vectors sealed by an independent implementation', async () => {
    const key1 = await writeVectorKey(dir, 'key1');
    const key2 = await writeVectorKey(dir, 'key2');
    const cases = (await loadVectorCases()).filter((c) => c.expect === 'ok');
    assert.ok(cases.length >= 2);
    for (const vector of cases) {
      const annotations = vector.scope === 'strict' ? {} : { [`sealedsecrets.bitnami.com/${vector.scope}`]: 'true' };
      const sealed = {
        apiVersion: 'bitnami.com/v1alpha1',
        kind: 'SealedSecret',
        metadata: { name: vector.name, namespace: vector.namespace, annotations },
        spec: { encryptedData: vector.encryptedData },
      };
      const result = await runCli(['--recovery-unseal', '--recovery-private-key', `${key1.keyPath},${key2.keyPath}`], {
        input: JSON.stringify(sealed),
      });
      assertSuccess(result);
      const secret = load(result.stdout) as SecretDoc;
      assert.deepEqual(secret.data, vector.plaintextBase64, vector.id);
    }
  });

  test('unseal takes keys from a Secret List as kubectl get secret -o yaml prints it', async () => {
    const value = marker('list-key');
    const sealed = await seal(secretYaml('lk', 'ns', { k: value }));
    const keyList = JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: [other, pair].map((k, i) => ({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: `key-${i}`, namespace: 'gitseal-system' },
        type: 'kubernetes.io/tls',
        data: { 'tls.key': b64(k.keyPem), 'tls.crt': b64(k.certPem) },
      })),
    });
    const keysFile = join(dir, 'keys.json');
    await writeFile(keysFile, keyList);
    assert.equal(decode((await unseal(sealed, keysFile))[0], 'k'), value);
  });
});

describe('raw mode', () => {
  test('--raw --from-file KEY=PATH prints one v2 line that opens inside a SealedSecret at that name', async () => {
    const value = marker('raw');
    const file = join(dir, 'raw.txt');
    await writeFile(file, value);
    const result = await runCli([
      'seal',
      '--raw',
      '--cert',
      pair.certPath,
      '--namespace',
      'rns',
      '--name',
      'rname',
      '--from-file',
      `token=${file}`,
    ]);
    assertSuccess(result, [sealingLine(pair)]);
    assert.match(result.stdout, /^gs2:[^\n]+\n$/);
    assertNoMarkers(result.stdout, [value], 'raw output');
    const wrap = (key: string): string =>
      JSON.stringify({
        apiVersion: 'gitseal.dev/v1alpha1',
        kind: 'SealedSecret',
        metadata: { name: 'rname', namespace: 'rns' },
        spec: { encryptedData: { [key]: result.stdout.trim() } },
      });
    assert.equal(decode((await unseal(wrap('token')))[0], 'token'), value);
    // The key name is bound into a v2 value: under another key it does not open.
    assertFailure(await runCli(['unseal', '--private-key', pair.keyPath], { input: wrap('other') }), {
      mentions: ['SealedSecret rns/rname', '"other"'],
      markers: [value],
    });
  });

  test('--raw --envelope v1 reads the value from stdin (kubeseal style)', async () => {
    const value = marker('rawv1');
    const result = await runCli(['--raw', '--cert', pair.certPath, '-n', 'a', '--name', 'b', '--envelope', 'v1'], {
      input: value,
    });
    assertSuccess(result, [sealingLine(pair)]);
    assert.match(result.stdout, /^[A-Za-z0-9+/]+=*\n$/);
    const sealed = JSON.stringify({
      apiVersion: 'bitnami.com/v1alpha1',
      kind: 'SealedSecret',
      metadata: { name: 'b', namespace: 'a' },
      spec: { encryptedData: { anything: result.stdout.trim() } },
    });
    assert.equal(decode((await unseal(sealed))[0], 'anything'), value);
  });
});

describe('fingerprint pinning', () => {
  test('seal refuses a certificate whose fingerprint is not the pinned one, and accepts the right one', async () => {
    const value = marker('pin');
    const otherFp = (await runCli(['cert', '--cert', other.certPath, '--fingerprint'])).stdout.trim();
    const mainFp = (await runCli(['cert', '--cert', pair.certPath, '--fingerprint'])).stdout.trim();
    const input = secretYaml('p', 'ns', { k: value });
    assertFailure(await runCli(['seal', '--cert', pair.certPath, '--cert-fingerprint', otherFp], { input }), {
      mentions: [pair.certPath, 'does not match'],
      markers: [value],
    });
    assertSuccess(await runCli(['seal', '--cert', pair.certPath, '--cert-fingerprint', mainFp], { input }), [
      `gitseal: sealing to certificate ${mainFp} (from ${pair.certPath}, pinned by --cert-fingerprint)`,
    ]);
  });
});

describe('merge-into', () => {
  test('adds and replaces keys in place; other ciphertext and comments stay byte-identical', async () => {
    const keep = marker('keep');
    const replaced = marker('old');
    const fresh = marker('new');
    const added = marker('added');
    const sealed = await seal(secretYaml('m', 'prod', { keep, change: replaced }));
    const file = join(dir, 'merge.yaml');
    const original = `# managed by hand\n${sealed.replace('spec:\n', 'spec: # the spec\n')}`;
    await writeFile(file, original);
    const keepLine = original.split('\n').find((l) => l.trimStart().startsWith('keep: '));
    assert.ok(keepLine);
    const result = await runCli(['seal', '--cert', pair.certPath, '--merge-into', file], {
      input: secretYaml('ignored-name', 'ignored-ns', { change: fresh, extra: added }),
    });
    assertSuccess(result, [sealingLine(pair)]);
    assert.equal(result.stdout, '');
    const merged = await readFile(file, 'utf8');
    assert.ok(merged.startsWith('# managed by hand\n'));
    assert.ok(merged.includes('spec: # the spec\n'));
    assert.ok(merged.includes(`${keepLine}\n`), 'the kept key is byte-identical');
    assertNoMarkers(merged, [keep, fresh, added], 'merged file');
    const [secret] = await unseal(merged);
    assert.equal(secret?.metadata.name, 'm');
    assert.equal(decode(secret, 'keep'), keep);
    assert.equal(decode(secret, 'change'), fresh);
    assert.equal(decode(secret, 'extra'), added);
  });
});

describe('reencrypt', () => {
  test('re-seals files to a new certificate in place; only the new key opens them; comments survive', async () => {
    const value = marker('reenc');
    const nsValue = marker('nswide');
    const file = join(dir, 'reenc.yaml');
    const strict = await seal(secretYaml('r', 'prod', { k: value }));
    const nsWide = await seal(secretYaml('w', 'prod', { k: nsValue }), [
      '--scope',
      'namespace-wide',
      '--envelope',
      'v1',
    ]);
    await writeFile(file, `# top comment\n${strict}---\n# second\n${nsWide}`);
    const result = await runCli([
      'reencrypt',
      '--cert',
      other.certPath,
      '--private-key',
      pair.keyPath,
      '-f',
      file,
      '--envelope',
      'v2',
    ]);
    assertSuccess(result, [sealingLine(other)]);
    assert.equal(result.stdout, '');
    const text = await readFile(file, 'utf8');
    assert.ok(text.startsWith('# top comment\n'));
    assert.ok(text.includes('---\n# second\n'));
    assertNoMarkers(text, [value, nsValue], 'rewritten file');
    assert.ok(!text.includes('namespace-wide: true'), 'scope annotations unchanged');
    const docs = loadAll(text) as SecretDoc[];
    assert.match(docs[1]?.spec?.encryptedData['k'] ?? '', /^gs2:/, '--envelope v2 converts v1 values');
    const secrets = await unseal(text, other.keyPath);
    assert.deepEqual(
      secrets.map((s) => decode(s, 'k')),
      [value, nsValue],
    );
    // Still namespace-wide, not widened: it opens under another name in prod, but not in another namespace.
    assert.equal(decode((await unseal(text.replace(/name: w$/gm, 'name: w2'), other.keyPath))[1], 'k'), nsValue);
    assertFailure(await runCli(['unseal', '--private-key', pair.keyPath], { input: text }), {
      mentions: ['SealedSecret prod/r'],
      markers: [value, nsValue],
    });
  });

  test('without files it reads stdin and writes stdout', async () => {
    const value = marker('stdin-reenc');
    const sealed = await seal(secretYaml('s', 'prod', { k: value }));
    const result = await runCli(['--re-encrypt', '--cert', other.certPath, '--recovery-private-key', pair.keyPath], {
      input: sealed,
    });
    assertSuccess(result, [sealingLine(other)]);
    assertNoMarkers(result.stdout, [value], 'reencrypt output');
    assert.notEqual(result.stdout, sealed);
    assert.equal(decode((await unseal(result.stdout, other.keyPath))[0], 'k'), value);
  });
});

describe('validate --offline', () => {
  test('passes a good file, and lists a renamed object and a value sealed for another cert', async () => {
    const good = join(dir, 'valid', 'good.yaml');
    const bad = join(dir, 'valid', 'bad.yaml');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(dir, 'valid'));
    const sealed = await seal(secretYaml('v', 'prod', { a: 'x', b: 'y' }));
    await writeFile(good, sealed);
    const ok = await runCli(['validate', '--offline', '--cert', pair.certPath, '-f', good]);
    assertSuccess(ok);
    assert.match(ok.stdout, /1 SealedSecret/);

    const renamed = sealed.replace(/^ {2}name: v$/m, '  name: v-renamed');
    const foreign = (await runCli(['seal', '--cert', other.certPath], { input: secretYaml('f', 'prod', { c: 'z' }) }))
      .stdout;
    await writeFile(bad, `${renamed}---\n${foreign}`);
    const result = await runCli(['--validate', '--offline', '--cert', pair.certPath, '-R', join(dir, 'valid')]);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    const lines = result.stderr.trimEnd().split('\n');
    assert.deepEqual(
      lines.slice(0, -1).map((l) => l.replace(/: sealed .*/, '')),
      [
        `${bad}: SealedSecret prod/v-renamed: key "a"`,
        `${bad}: SealedSecret prod/v-renamed: key "b"`,
        `${bad}: SealedSecret prod/f: key "c"`,
      ],
    );
    assert.match(lines[0] ?? '', /scope "prod\/v"/);
    assert.match(lines[2] ?? '', /not this certificate's key/);
    assert.match(lines.at(-1) ?? '', /^gitseal: validate: 3 problem/);
  });

  test('catches a v1 value sealed for a key of another size', async () => {
    const key1 = await writeVectorKey(dir, 'key1');
    const sealed = await seal(secretYaml('v1', 'prod', { a: 'x' }), ['--envelope', 'v1']);
    const file = join(dir, 'v1.yaml');
    await writeFile(file, sealed);
    const result = await runCli(['validate', '--offline', '--cert', key1.certPath, '-f', file]);
    assertFailure({ ...result, stderr: result.stderr.split('\n').slice(1).join('\n') }, { mentions: ['1 problem'] });
    assert.match(result.stderr, /SealedSecret prod\/v1: key "a": RSA block is 256 bytes, .* needs 512/);
  });
});
