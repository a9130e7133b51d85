import assert from 'node:assert/strict';
import { test } from 'node:test';
import { replaceEncryptedData, verifyEdit } from './edit-encrypted-data.js';
import { ManifestError, ManifestErrorCode } from './errors.js';
import { loadDocuments, parseManifests } from './parse-manifests.js';

const OLD_A = 'AgAAAAoldA==';
const OLD_B = 'AgAAAAoldB==';
const NEW_A = 'AgBBBBnewA==';
const NEW_C = 'gs2:q83vASNFZ4mrze8B:cHJvZC9kYg:AAEC';

const FILE = `# Sealed for prod — do not edit by hand
apiVersion: v1
kind: ConfigMap
metadata:
  name: unrelated   # stays as is
data: {mode: "0644"}
---
apiVersion: gitseal.dev/v1alpha1
kind: SealedSecret
metadata:
  name: db
  namespace: prod
spec:
  # the sealed values
  encryptedData:
    a: ${OLD_A}  # first key
    "b": '${OLD_B}'
  template:
    type: Opaque
---
# trailing document
apiVersion: v1
kind: ConfigMap
metadata: {name: tail}
`;

function encryptedDataAt(text: string, index: number): unknown {
  const doc = loadDocuments(text, { source: 't' })[index] as { spec: { encryptedData: unknown } };
  return doc.spec.encryptedData;
}

function assertUnsupported(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof ManifestError);
    assert.equal(error.code, ManifestErrorCode.UnsupportedEdit);
    assert.match(error.message, pattern);
    return true;
  });
}

test('replaces existing values in place and keeps every other byte', () => {
  const out = replaceEncryptedData(FILE, 1, { a: NEW_A, b: NEW_A });
  assert.equal(out, FILE.replace(`a: ${OLD_A}  #`, `a: ${NEW_A}  #`).replace(`'${OLD_B}'`, `'${NEW_A}'`));
  assert.deepEqual(encryptedDataAt(out, 1), { a: NEW_A, b: NEW_A });
});

test('appends new keys at the block indentation after the last key', () => {
  const out = replaceEncryptedData(FILE, 1, { c: NEW_C, 'd.e': NEW_A }, [], { source: 'db.yaml' });
  assert.equal(out, FILE.replace(`'${OLD_B}'\n`, `'${OLD_B}'\n    c: ${NEW_C}\n    d.e: ${NEW_A}\n`));
  const [, sealed] = parseManifests(out, { source: 'db.yaml' });
  assert.deepEqual(sealed?.object['spec'], {
    encryptedData: { a: OLD_A, b: OLD_B, c: NEW_C, 'd.e': NEW_A },
    template: { type: 'Opaque' },
  });
});

test('removes keys with their lines', () => {
  const out = replaceEncryptedData(FILE, 1, { c: NEW_C }, ['b']);
  assert.equal(out, FILE.replace(`    "b": '${OLD_B}'\n`, `    c: ${NEW_C}\n`));
  const first = replaceEncryptedData(FILE, 1, {}, ['a']);
  assert.equal(first, FILE.replace(`    a: ${OLD_A}  # first key\n`, ''));
});

test('keeps double quotes and replaces block scalars', () => {
  const text = `apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata: {name: x}
spec:
  encryptedData:
    dq: "${OLD_A}"
    lit: |
      ${OLD_A}
    fold: >-
      AgAAAA
      oldF==
    last: ${OLD_B}
`;
  const out = replaceEncryptedData(text, 0, { dq: NEW_A, lit: NEW_A, fold: NEW_A });
  assert.equal(
    out,
    text
      .replace(`dq: "${OLD_A}"`, `dq: "${NEW_A}"`)
      .replace(`lit: |\n      ${OLD_A}\n`, `lit: ${NEW_A}\n`)
      .replace('fold: >-\n      AgAAAA\n      oldF==\n', `fold: ${NEW_A}\n`),
  );
  assert.deepEqual(encryptedDataAt(out, 0), { dq: NEW_A, lit: NEW_A, fold: NEW_A, last: OLD_B });
});

test('a block scalar as the last entry gets new keys after it', () => {
  const text = `apiVersion: gitseal.dev/v1alpha1\nkind: SealedSecret\nmetadata: {name: x}\nspec:\n  encryptedData:\n    a: |\n      ${OLD_A}\n  template: {}\n`;
  const out = replaceEncryptedData(text, 0, { b: NEW_A });
  assert.equal(out, text.replace(`      ${OLD_A}\n`, `      ${OLD_A}\n    b: ${NEW_A}\n`));
});

test('keeps CRLF line endings', () => {
  const crlf = FILE.replaceAll('\n', '\r\n');
  const out = replaceEncryptedData(crlf, 1, { a: NEW_A, c: NEW_C }, ['b']);
  assert.ok(!/[^\r]\n/.test(out), 'no bare LF');
  assert.equal(
    out,
    FILE.replace(`a: ${OLD_A}`, `a: ${NEW_A}`)
      .replace(`    "b": '${OLD_B}'\n`, `    c: ${NEW_C}\n`)
      .replaceAll('\n', '\r\n'),
  );
});

test('quotes values and keys that would not read back as strings', () => {
  const out = replaceEncryptedData(FILE, 1, { a: '1234', c: 'true', '0644': NEW_A });
  assert.ok(out.includes('a: "1234"  # first key'));
  assert.ok(out.includes('    c: "true"\n'));
  assert.ok(out.includes(`    "0644": ${NEW_A}\n`));
  assert.deepEqual(encryptedDataAt(out, 1), { a: '1234', b: OLD_B, c: 'true', '0644': NEW_A });
});

test('handles a file without a final newline', () => {
  const text = `apiVersion: gitseal.dev/v1alpha1\nkind: SealedSecret\nmetadata: {name: x}\nspec:\n  encryptedData:\n    a: ${OLD_A}`;
  assert.equal(replaceEncryptedData(text, 0, { b: NEW_A }), `${text}\n    b: ${NEW_A}\n`);
  assert.equal(replaceEncryptedData(text, 0, { a: NEW_A }), text.replace(OLD_A, NEW_A));
});

test('edits an item of a List document', () => {
  const text = `apiVersion: v1
kind: List
items:
- apiVersion: gitseal.dev/v1alpha1
  kind: SealedSecret
  metadata: {name: one}
  spec:
    encryptedData:
      a: ${OLD_A}
- apiVersion: gitseal.dev/v1alpha1
  kind: SealedSecret
  metadata: {name: two}
  spec:
    encryptedData:
      a: ${OLD_A}
`;
  const out = replaceEncryptedData(text, 0, { b: NEW_A }, [], { item: 1 });
  assert.equal(out, `${text}      b: ${NEW_A}\n`);
});

test('fills an empty flow mapping with a block', () => {
  const text = `apiVersion: gitseal.dev/v1alpha1\nkind: SealedSecret\nmetadata: {name: x}\nspec:\n  encryptedData: {}\n  template: {}\n`;
  const out = replaceEncryptedData(text, 0, { a: NEW_A, b: NEW_C });
  assert.equal(out, text.replace('encryptedData: {}', `encryptedData:\n    a: ${NEW_A}\n    b: ${NEW_C}`));
});

test('refuses shapes it cannot edit safely', () => {
  const base = `apiVersion: gitseal.dev/v1alpha1\nkind: SealedSecret\nmetadata: {name: x}\nspec:\n`;
  assertUnsupported(
    () => replaceEncryptedData(`${base}  encryptedData: {a: ${OLD_A}}\n`, 0, { a: NEW_A }, [], { source: 'f.yaml' }),
    /^f\.yaml document 0: cannot edit spec\.encryptedData in place: it is a flow mapping$/,
  );
  assertUnsupported(
    () => replaceEncryptedData(`${base}  encryptedData: &d\n    a: ${OLD_A}\n`, 0, { a: NEW_A }),
    /encryptedData carries an anchor or tag$/,
  );
  assertUnsupported(
    () => replaceEncryptedData(`x: &v ${OLD_A}\n---\n${base}  encryptedData:\n    a: &v ${OLD_A}\n`, 1, { a: NEW_A }),
    /the value of "a" is not a scalar$/,
  );
  assertUnsupported(
    () => replaceEncryptedData(`${base}  encryptedData:\n    <<: {a: ${OLD_A}}\n    b: ${OLD_B}\n`, 0, { a: NEW_A }),
    /it uses a merge key$/,
  );
  assertUnsupported(() => replaceEncryptedData(FILE, 0, { a: NEW_A }), /it has no spec\.encryptedData mapping$/);
  assertUnsupported(() => replaceEncryptedData(FILE, 1, {}, ['a', 'b']), /would leave encryptedData empty$/);
  assertUnsupported(() => replaceEncryptedData(FILE, 1, { 'a/b': NEW_A }), /key "a\/b" is not a valid Secret key$/);
  assertUnsupported(() => replaceEncryptedData(FILE, 1, { a: NEW_A }, ['a']), /a key is both updated and removed$/);
});

test('re-serialises JSON files keeping key order', () => {
  const object = {
    apiVersion: 'gitseal.dev/v1alpha1',
    kind: 'SealedSecret',
    metadata: { name: 'x', namespace: 'n' },
    spec: { encryptedData: { z: OLD_A, a: OLD_B } as Record<string, string>, template: { type: 'Opaque' } },
  };
  const text = JSON.stringify(object);
  const out = replaceEncryptedData(text, 0, { z: NEW_A, m: NEW_C }, ['a']);
  const expected = structuredClone(object);
  expected.spec.encryptedData = { z: NEW_A, m: NEW_C };
  assert.equal(out, `${JSON.stringify(expected, null, 2)}\n`);
  const crlf = replaceEncryptedData(
    `${JSON.stringify(object, null, 2)}\r\n`.replaceAll('\n', '\r\n').replace('\r\r', '\r'),
    0,
    { z: NEW_A },
  );
  assert.ok(crlf.endsWith('}\r\n') && !/[^\r]\n/.test(crlf));
  assertUnsupported(() => replaceEncryptedData(text, 1, { z: NEW_A }), /it has no spec\.encryptedData mapping$/);
});

test('verifyEdit refuses a result that changed anything else', () => {
  const before = loadDocuments(FILE, { source: 'v' });
  const expected = { a: NEW_A, b: OLD_B };
  const good = FILE.replace(OLD_A, NEW_A);
  verifyEdit(before, good, 'v', 1, undefined, expected);
  const check = (text: string, pattern: RegExp): void =>
    assert.throws(
      () => verifyEdit(before, text, 'v', 1, undefined, expected),
      (error: unknown) =>
        error instanceof ManifestError &&
        error.code === ManifestErrorCode.EditVerificationFailed &&
        pattern.test(error.message),
    );
  check(good.replace('name: unrelated', 'name: changed'), /^v: edit not written: document 0 changed$/);
  check(good.replace('type: Opaque', 'type: Other'), /document 1 does not hold the expected data$/);
  check(FILE, /document 1 does not hold the expected data$/);
  check(good.replace('---\n# trailing', '# trailing'), /does not parse|number of documents changed/);
  check(`${good}---\n{a: 1}\n`, /the number of documents changed$/);
});

test('keeps a BOM and handles values on the next line and multi-line plain values', () => {
  const text = `\uFEFFapiVersion: gitseal.dev/v1alpha1\nkind: SealedSecret\nmetadata: {name: x}\nspec:\n  encryptedData:\n    a:\n      ${OLD_A}\n    b  : AgAA\n      AgAA==\n    # trailing comment\n  template: {}\n`;
  const out = replaceEncryptedData(text, 0, { a: NEW_A, b: NEW_A, c: NEW_C });
  assert.equal(
    out,
    text
      .replace(`      ${OLD_A}\n`, `      ${NEW_A}\n`)
      .replace('b  : AgAA\n      AgAA==\n', `b  : ${NEW_A}\n    c: ${NEW_C}\n`),
  );
  assert.ok(out.startsWith('\uFEFF'));
});
