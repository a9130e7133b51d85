import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ControllerEndpoint, ControllerReply } from '../controller-endpoint.js';
import { parseInput } from '../read-manifests.js';
import { keysText, validateOnline } from './validate-online.js';
import type { ValidateSource } from './validate-source.js';

const FP = `SHA256:${'A'.repeat(43)}`;

test('keysText lists fingerprint-shaped names only', () => {
  assert.equal(keysText([FP]), ` (key ${FP})`);
  assert.equal(keysText([FP, 'abc']), ` (keys ${FP}, abc)`);
  assert.equal(keysText(['evil\nline']), '');
  assert.equal(keysText('nope'), '');
});

function yaml(name: string): string {
  return `apiVersion: gitseal.dev/v1alpha1\nkind: SealedSecret\nmetadata: {name: ${name}, namespace: prod}\nspec:\n  encryptedData: {a: AAAA}\n`;
}

test('one line per object: ok, refused by the controller, or unreadable; the controller is asked once per object', async () => {
  const sources: ValidateSource[] = [
    { source: 'a.yaml', input: parseInput({ source: 'a.yaml', text: `${yaml('good')}---\n${yaml('bad')}` }) },
    { source: 'gone.yaml', problem: 'gone.yaml: cannot read: no such file' },
    {
      source: 'c.yaml',
      input: parseInput({ source: 'c.yaml', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n' }),
    },
  ];
  const names: string[] = [];
  const endpoint: ControllerEndpoint = {
    where: 'controller http://127.0.0.1:8080',
    post(_route, json): Promise<ControllerReply> {
      const name = (JSON.parse(json) as { metadata: { name: string } }).metadata.name;
      names.push(name);
      const reply =
        name === 'good'
          ? { decryptable: true, keyFingerprints: [FP] }
          : { error: 'SealedSecretUndecryptable', message: `SealedSecret prod/${name}: no key opens item "a"` };
      return Promise.resolve({
        status: name === 'good' ? 200 : 409,
        retryAfter: undefined,
        body: Buffer.from(JSON.stringify(reply)),
      });
    },
  };
  let opened = 0;
  const result = await validateOnline(sources, () => Promise.resolve(((opened += 1), endpoint)));
  assert.equal(opened, 1);
  assert.deepEqual(names, ['good', 'bad']);
  assert.deepEqual(result, {
    passed: [`a.yaml: SealedSecret prod/good: ok (key ${FP})`],
    problems: [
      'a.yaml: SealedSecret prod/bad: cannot be decrypted by the controller: no key opens item "a"',
      'gone.yaml: cannot read: no such file',
    ],
    checked: 2,
    results: [
      { source: 'a.yaml', namespace: 'prod', name: 'good', problems: [], keys: [FP] },
      {
        source: 'a.yaml',
        namespace: 'prod',
        name: 'bad',
        problems: ['a.yaml: SealedSecret prod/bad: cannot be decrypted by the controller: no key opens item "a"'],
      },
      { source: 'gone.yaml', problems: ['gone.yaml: cannot read: no such file'] },
    ],
  });
});

test('without any SealedSecret the controller is never reached', async () => {
  const sources: ValidateSource[] = [{ source: 'gone.yaml', problem: 'gone.yaml: cannot read: no such file' }];
  const result = await validateOnline(sources, () => Promise.reject(new Error('must not open')));
  assert.deepEqual(result, {
    passed: [],
    problems: ['gone.yaml: cannot read: no such file'],
    checked: 0,
    results: [{ source: 'gone.yaml', problems: ['gone.yaml: cannot read: no such file'] }],
  });
});
