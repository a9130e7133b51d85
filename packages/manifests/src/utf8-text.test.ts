import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManifestError } from './errors.js';
import { decodeUtf8Text } from './utf8-text.js';

test('decodeUtf8Text refuses invalid UTF-8 instead of replacing it, and keeps valid text as is', () => {
  assert.equal(decodeUtf8Text(Buffer.from('\uFEFFkind: ü ✓\n'), 'a.yaml'), '\uFEFFkind: ü ✓\n');
  for (const bad of [[0xff], [0xc3], [0xed, 0xa0, 0x80], [0x61, 0xc0, 0xaf]]) {
    assert.throws(
      () => decodeUtf8Text(Buffer.from(bad), 'b.yaml'),
      (e: unknown) => e instanceof ManifestError && e.message === 'b.yaml: not UTF-8 text (invalid byte sequence)',
    );
  }
});
