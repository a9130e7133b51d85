// Bad input, one test each: exactly one stderr line naming the object or file and the cause, a non-zero exit,
// nothing on stdout, and no plaintext marker anywhere in the output.
import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  assertFailure,
  assertSuccess,
  makeTempDir,
  marker,
  runCli,
  sealingLine,
  writeBadCerts,
  writeKeyPair,
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
const SECRET = marker('secret');

function secretYaml(extra: string[] = [], name = 'db', namespace: string | null = 'prod'): string {
  return [
    'apiVersion: v1',
    'kind: Secret',
    'metadata:',
    `  name: ${name}`,
    ...(namespace === null ? [] : [`  namespace: ${namespace}`]),
    'data:',
    `  password: ${b64(SECRET)}`,
    ...extra,
    '',
  ].join('\n');
}

const seal = (input: string, args: string[] = []): ReturnType<typeof runCli> =>
  runCli(['seal', '--cert', pair.certPath, ...args], { input });

describe('seal: bad manifests', () => {
  test('not YAML', async () => {
    const input = `apiVersion: v1\nkind: Secret\ndata:\n  password: "${SECRET}\n  : [\n`;
    assertFailure(await seal(input), { mentions: ['stdin', 'invalid YAML'], markers: [SECRET] });
  });

  test('YAML alias bomb', async () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const next = String.fromCharCode(97 + i);
      lines.push(`${next}: &${next} [${Array(10).fill(`*${prev}`).join(',')}]`);
    }
    const input = `${lines.join('\n')}\nkind: Secret\napiVersion: v1\nstringData: {password: ${SECRET}}\n`;
    assertFailure(await seal(input), { mentions: ['stdin', 'alias'], markers: [SECRET] });
  });

  test('a secret written as a YAML tag or alias is not echoed', async () => {
    const base = 'apiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: prod}\n';
    const tagged = `${base}stringData: {password: !${SECRET}}\n`;
    assertFailure(await seal(tagged), { mentions: ['stdin', 'invalid YAML', 'unknown scalar tag'], markers: [SECRET] });
    const aliased = `${base}stringData: {password: *${SECRET}}\n`;
    assertFailure(await seal(aliased), {
      mentions: ['stdin', 'invalid YAML', 'unidentified alias'],
      markers: [SECRET],
    });
    const cyclic = `${base}stringData: &${SECRET} {password: [*${SECRET}]}\n`;
    assertFailure(await seal(cyclic), { mentions: ['stdin', 'own enclosing node'], markers: [SECRET] });
  });

  test('oversized input', async () => {
    const input = secretYaml() + `# ${'x'.repeat(8 * 1024 * 1024)}\n`;
    assertFailure(await seal(input), { mentions: ['stdin', 'larger than'], markers: [SECRET] });
  });

  test('not a Secret', async () => {
    const input = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm, namespace: prod}\ndata: {password: ${SECRET}}\n`;
    assertFailure(await seal(input), { mentions: ['ConfigMap prod/cm', 'expected a v1 Secret'], markers: [SECRET] });
  });

  test('strict scope without a namespace', async () => {
    assertFailure(await seal(secretYaml([], 'nons', null)), {
      mentions: ['Secret nons', 'strict scope needs a namespace'],
      markers: [SECRET],
    });
  });

  test('empty data', async () => {
    const input = 'apiVersion: v1\nkind: Secret\nmetadata: {name: empty, namespace: prod}\ndata: {}\n';
    assertFailure(await seal(input), { mentions: ['Secret prod/empty', 'no data'] });
  });

  test('data not base64', async () => {
    assertFailure(await seal(secretYaml(['  broken: "not base64!"'])), {
      mentions: ['Secret prod/db', 'data.broken', 'not valid base64'],
      markers: [SECRET],
    });
  });

  test('unreadable file', async () => {
    const missing = join(dir, 'no-such.yaml');
    assertFailure(await runCli(['seal', '--cert', pair.certPath, '-f', missing]), {
      mentions: [missing, 'no such file'],
    });
  });

  test('-w leaves no file and no temp file behind when sealing fails', async () => {
    const out = join(dir, 'out-dir');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(out);
    const target = join(out, 'sealed.yaml');
    const input = `${secretYaml()}---\n${secretYaml(['  bad: "!!"'], 'second')}`;
    assertFailure(await seal(input, ['-w', target]), {
      mentions: ['Secret prod/second', 'data.bad'],
      markers: [SECRET],
    });
    assert.deepEqual(await readdir(out), []);
  });
});

describe('seal: bad certificates', () => {
  test('each bad certificate is refused with one line naming it and the cause', async (t) => {
    const bad = await writeBadCerts(dir, pair.certPem);
    for (const [what, { path, mention }] of Object.entries(bad)) {
      await t.test(what, async () => {
        const result = await runCli(['seal', '--cert', path], { input: secretYaml() });
        assertFailure(result, { mentions: [path, mention], markers: [SECRET] });
      });
    }
  });

  test('wrong fingerprint', async () => {
    const fp = (await runCli(['cert', '--cert', other.certPath, '--fingerprint'])).stdout.trim();
    assertFailure(await seal(secretYaml(), ['--cert-fingerprint', fp]), {
      mentions: [pair.certPath, 'does not match'],
      markers: [SECRET],
    });
  });

  test('controller unreachable: kubeconfig pointing at a closed loopback port exits 3', async () => {
    const kubeconfig = join(dir, 'kubeconfig');
    await writeFile(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]',
        'users: [{name: u, user: {token: not-a-real-token}}]',
        'contexts: [{name: x, context: {cluster: c, user: u}}]',
        'current-context: x',
        '',
      ].join('\n'),
    );
    const result = await runCli(['seal', '--kubeconfig', kubeconfig], { input: secretYaml() });
    assertFailure(result, {
      code: 3,
      mentions: ['gitseal-system', 'connection refused'],
      markers: [SECRET, 'not-a-real-token'],
    });
  });
});

describe('unseal: bad ciphertext', () => {
  let sealedV2: string;
  let sealedV1: string;
  before(async () => {
    const v2 = await seal(secretYaml());
    assertSuccess(v2, [sealingLine(pair)]);
    sealedV2 = v2.stdout;
    const v1 = await seal(secretYaml(), ['--api-version', 'bitnami.com/v1alpha1']);
    assertSuccess(v1, [sealingLine(pair)]);
    sealedV1 = v1.stdout;
  });

  const valueOf = (text: string): string => /password: (\S+)/.exec(text)?.[1] ?? '';
  const unseal = (input: string, key = pair.keyPath): ReturnType<typeof runCli> =>
    runCli(['unseal', '--private-key', key], { input });

  test('truncated', async () => {
    const value = valueOf(sealedV1);
    const input = sealedV1.replace(value, value.slice(0, 200));
    assertFailure(await unseal(input), {
      mentions: ['SealedSecret prod/db', '"password"', 'RSA part'],
      markers: [SECRET],
    });
  });

  test('tampered', async () => {
    const value = valueOf(sealedV2);
    const at = value.length - 12;
    const flipped = value.slice(0, at) + (value[at] === 'A' ? 'B' : 'A') + value.slice(at + 1);
    assertFailure(await unseal(sealedV2.replace(value, flipped)), {
      mentions: ['SealedSecret prod/db', '"password"'],
      markers: [SECRET],
    });
  });

  test('not base64', async () => {
    const value = valueOf(sealedV1);
    assertFailure(await unseal(sealedV1.replace(value, `${value.slice(0, 40)}!${value.slice(41)}`)), {
      mentions: ['SealedSecret prod/db', 'password', 'not a sealed value'],
      markers: [SECRET],
    });
  });

  test('sealed for another namespace', async () => {
    assertFailure(await unseal(sealedV2.replace(/namespace: prod/g, 'namespace: staging')), {
      mentions: ['SealedSecret staging/db', '"password"', '"prod/db"'],
      markers: [SECRET],
    });
  });

  test('sealed for another name (v1: the label does not open)', async () => {
    assertFailure(await unseal(sealedV1.replace(/name: db$/gm, 'name: other')), {
      mentions: ['SealedSecret prod/other', '"password"', 'renamed'],
      markers: [SECRET],
    });
  });

  test('sealed by a key we do not hold', async () => {
    assertFailure(await unseal(sealedV2, other.keyPath), {
      mentions: ['SealedSecret prod/db', '"password"', 'not held'],
      markers: [SECRET],
    });
  });

  test('a private key file that is a certificate', async () => {
    assertFailure(await unseal(sealedV2, pair.certPath), {
      mentions: [pair.certPath, 'PRIVATE KEY'],
      markers: [SECRET],
    });
  });

  test('not a SealedSecret', async () => {
    assertFailure(await unseal(secretYaml()), {
      mentions: ['Secret prod/db', 'expected kind SealedSecret'],
      markers: [SECRET],
    });
  });
});

describe('the command line', () => {
  test('an unknown subcommand says so and names the nearest, instead of falling through to seal', async () => {
    assertFailure(await runCli(['sael'], { input: '' }), {
      code: 2,
      mentions: ['unknown command "sael"', 'did you mean "seal"?'],
      markers: [],
    });
    assertFailure(await runCli(['frobnicate', 'bash']), {
      code: 2,
      mentions: ['unknown command "frobnicate"'],
      markers: [],
    });
    assertFailure(await runCli(['completoin', 'bash']), {
      code: 2,
      mentions: ['unknown command "completoin"', 'did you mean "completion"?'],
      markers: [],
    });
    assertFailure(await runCli(['completion', 'tcsh']), {
      code: 2,
      mentions: ["'tcsh' is invalid", 'bash, zsh, fish'],
      markers: [],
    });
  });
});
