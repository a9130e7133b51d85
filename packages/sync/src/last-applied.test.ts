import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commitOfRevision } from './last-applied.js';

describe('commitOfRevision', () => {
  it('reads the commit of Flux-style revisions', () => {
    const sha1 = 'a'.repeat(40);
    const sha256 = 'b'.repeat(64);
    assert.equal(commitOfRevision(`main@sha1:${sha1}`), sha1);
    assert.equal(commitOfRevision(`v1.2.3@sha1:${sha1}`), sha1);
    assert.equal(commitOfRevision(`sha256:${sha256}`), sha256);
    assert.equal(commitOfRevision(`main@sha1:${sha1.slice(1)}`), undefined);
    assert.equal(commitOfRevision('main'), undefined);
    assert.equal(commitOfRevision(`main@sha1:${sha1.toUpperCase()}`), undefined);
  });
});
