import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lastSyncedDigest } from './last-synced-digest.js';

describe('lastSyncedDigest', () => {
  it('is the digest of the newest attempt that reached apply, when it succeeded', () => {
    assert.equal(lastSyncedDigest(undefined), undefined);
    assert.equal(lastSyncedDigest({ history: [] }), undefined);
    assert.equal(
      lastSyncedDigest({
        history: [
          { revision: 'main@sha1:b', digest: 'sha256:b', result: 'Succeeded' },
          { revision: 'main@sha1:a', digest: 'sha256:a', result: 'Succeeded' },
        ],
      }),
      'sha256:b',
    );
  });

  it('skips attempts that failed before anything was written (no digest)', () => {
    const history = [
      { revision: 'main@sha1:c', result: 'Failed' as const },
      { revision: 'main@sha1:b', digest: 'sha256:b', result: 'Succeeded' as const },
    ];
    assert.equal(lastSyncedDigest({ history }), 'sha256:b');
  });

  it('is undefined when the newest attempt that wrote failed: its hooks run again', () => {
    const history = [
      { revision: 'main@sha1:c', digest: 'sha256:c', result: 'Failed' as const },
      { revision: 'main@sha1:b', digest: 'sha256:b', result: 'Succeeded' as const },
    ];
    assert.equal(lastSyncedDigest({ history }), undefined);
  });
});
