import assert from 'node:assert/strict';
import test from 'node:test';
import { FairShare, gitHostOf } from './fair-share.js';

test('FairShare gives at most `limit` slots per key, all keys or none, and takes each release once', () => {
  const share = new FairShare(2);
  const a1 = share.tryAcquire(['ns:a', 'host:h']);
  const a2 = share.tryAcquire(['ns:a', 'host:h']);
  assert.ok(a1 && a2);
  assert.equal(share.tryAcquire(['ns:a', 'host:other']), undefined, 'namespace a is full');
  assert.equal(share.tryAcquire(['ns:b', 'host:h']), undefined, 'host h is full');
  assert.equal(share.held('host:other'), 0, 'a refused acquire holds nothing');
  const b = share.tryAcquire(['ns:b', 'host:g']);
  assert.ok(b);
  a1();
  a1();
  assert.equal(share.held('ns:a'), 1, 'a second release is a no-op');
  assert.ok(share.tryAcquire(['ns:a', 'host:h']));
  assert.ok(new FairShare(0).tryAcquire(['x']), 'a limit below 1 counts as 1');
});

test('FairShare limits can differ by key', () => {
  const share = new FairShare((key) => (key.startsWith('host/') ? 2 : 1));
  assert.ok(share.tryAcquire(['namespace/a', 'host/h']));
  assert.equal(share.tryAcquire(['namespace/a', 'host/h']), undefined, 'a namespace has one slot');
  assert.ok(share.tryAcquire(['namespace/b', 'host/h']), "another namespace gets the host's second slot");
  assert.equal(share.tryAcquire(['namespace/c', 'host/h']), undefined, 'the host is full');
});

test('gitHostOf finds the host of every URL form gitseal accepts', () => {
  assert.equal(gitHostOf('https://GitHub.com/org/repo.git'), 'github.com');
  assert.equal(gitHostOf('http://127.0.0.1:8080/r.git'), '127.0.0.1:8080');
  assert.equal(gitHostOf('ssh://git@git.example:2222/r.git'), 'git.example:2222');
  assert.equal(gitHostOf('git@github.com:org/repo.git'), 'github.com');
  assert.equal(gitHostOf('[::1]:org/repo.git'), '[::1]');
  assert.equal(gitHostOf('file:///srv/git/r.git'), 'file');
});
