import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GitSyncObject } from './git-sync-api.js';
import { viewGitSync } from './git-sync-view.js';
import { pickRevision, resumePatch, ROLLBACK_ANNOTATION, rollbackPatch } from './rollback-pin.js';
import { formatSyncHistory } from './sync-history-text.js';

const A = 'a'.repeat(39) + '1';
const B = 'abcd' + 'c'.repeat(36);
const C = 'abcd' + 'd'.repeat(36);

const gitSync = (ref: Record<string, string> | undefined, annotations: Record<string, string> = {}): GitSyncObject => ({
  metadata: { name: 'app', namespace: 'shop', resourceVersion: '42', annotations },
  spec: { source: { url: 'https://git.example/app.git', ...(ref ? { ref } : {}) } },
  status: {
    history: [
      { revision: `main@sha1:${A}`, result: 'Succeeded', applied: 1, unchanged: 2, pruned: 0 },
      { revision: `main@sha1:${B}`, result: 'Succeeded', applied: 3, unchanged: 0, pruned: 1 },
      { revision: `main@sha1:${C}`, result: 'Failed' },
    ],
  },
});

/** Applies an RFC 7386 merge patch (what the API server does with it). */
function merge(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...(target as object) } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = merge(out[k], v);
  }
  return out;
}

test('--to: a full revision, a full commit or a unique prefix picks one history revision', () => {
  const object = gitSync({ branch: 'main' });
  assert.equal(pickRevision(object, `main@sha1:${B}`).commit, B);
  assert.equal(pickRevision(object, A).commit, A);
  assert.equal(pickRevision(object, 'aaaa').commit, A);
  assert.equal(pickRevision(object, 'ABCDC').commit, B, 'case does not matter');
  assert.equal(pickRevision(object, 'abcdd').revision, `main@sha1:${C}`, 'a failed attempt is in the history too');
});

test('--to: a revision not in the history is refused by name; an ambiguous prefix names the candidates', () => {
  const object = gitSync({ branch: 'main' });
  assert.throws(
    () => pickRevision(object, 'f00d'),
    /^CliError: GitSync shop\/app: revision "f00d" is not in its history/,
  );
  assert.throws(() => pickRevision(object, 'aaa'), /not in its history/, 'fewer than 4 digits match nothing');
  assert.throws(() => pickRevision(object, '1.2.3'), /revision "1\.2\.3" is not in its history/);
  assert.throws(
    () => pickRevision(object, 'abcd'),
    new RegExp(`revision "abcd" is ambiguous: main@sha1:${B}, main@sha1:${C}$`),
  );
});

test('rollback pins the commit with the branch; resume restores the ref exactly and drops the annotation', () => {
  const object = gitSync({ branch: 'main' });
  const patch = rollbackPatch(object, pickRevision(object, B), '2025-06-01T12:00:00.000Z');
  const pinned = merge(object, patch) as GitSyncObject;
  assert.deepEqual((pinned.spec?.['source'] as { ref: unknown }).ref, { branch: 'main', commit: B });
  assert.equal(pinned.metadata?.annotations?.['gitseal.dev/requested-at'], '2025-06-01T12:00:00.000Z');
  assert.equal(pinned.metadata?.resourceVersion, '42', 'the patch is conditional on the version read');
  const view = viewGitSync(pinned);
  assert.equal(view.rollback, `main@sha1:${B}`);
  assert.equal(view.rollbackInEffect, true);
  assert.match(formatSyncHistory(view), /Pinned by gitseal sync rollback to main@sha1:ab/);

  // A second rollback keeps the source of before the first one.
  const again = merge(pinned, rollbackPatch(pinned, pickRevision(pinned, A), 't2')) as GitSyncObject;
  assert.deepEqual((again.spec?.['source'] as { ref: unknown }).ref, { branch: 'main', commit: A });
  const resumed = merge(again, resumePatch(again, 't3')) as GitSyncObject;
  assert.deepEqual((resumed.spec?.['source'] as { ref: unknown }).ref, { branch: 'main' });
  assert.equal(resumed.metadata?.annotations?.[ROLLBACK_ANNOTATION], undefined);
  assert.equal(viewGitSync(resumed).rollback, undefined);
});

test('a tag or no ref: commit alone, and resume brings back the tag, or no ref at all', () => {
  for (const ref of [{ tag: 'v1' }, undefined]) {
    const object = gitSync(ref);
    const pinned = merge(object, rollbackPatch(object, pickRevision(object, A), 't')) as GitSyncObject;
    assert.deepEqual((pinned.spec?.['source'] as { ref: unknown }).ref, { commit: A });
    const resumed = merge(pinned, resumePatch(pinned, 't')) as GitSyncObject;
    assert.deepEqual((resumed.spec?.['source'] as { ref?: unknown }).ref, ref);
  }
});

test('resume of a GitSync not pinned, or with a foreign annotation, is refused in one line', () => {
  assert.throws(
    () => resumePatch(gitSync({ branch: 'main' }), 't'),
    /^CliError: GitSync shop\/app: not pinned by gitseal sync rollback$/,
  );
  assert.throws(
    () => resumePatch(gitSync({ branch: 'main' }, { [ROLLBACK_ANNOTATION]: 'nope' }), 't'),
    /annotation gitseal\.dev\/rollback is not what gitseal sync rollback writes/,
  );
});

test('a spec put back by someone else (a parent GitSync) shows the pin as not in effect', () => {
  const object = gitSync({ branch: 'main' });
  const pinned = merge(object, rollbackPatch(object, pickRevision(object, B), 't')) as GitSyncObject;
  const putBack = merge(pinned, { spec: { source: { ref: { commit: null } } } }) as GitSyncObject;
  assert.equal(viewGitSync(putBack).rollbackInEffect, false);
});

test('chart sources pin chart.version and resume restores the range', () => {
  const digest = `sha256:${'1'.repeat(64)}`;
  const object: GitSyncObject = {
    metadata: { name: 'shop', namespace: 'prod' },
    spec: { source: { url: 'oci://r.example/charts', chart: { name: 'wordpress', version: '>=1 <2' } } },
    status: { history: [{ revision: `1.4.2@${digest}` }, { revision: `1.3.0@${digest}` }] },
  };
  const target = pickRevision(object, '1.3.0');
  assert.equal(target.version, '1.3.0');
  assert.throws(() => pickRevision(object, '1.0.0'), /revision "1\.0\.0" is not in its history/);
  const pinned = merge(object, rollbackPatch(object, target, 't')) as GitSyncObject;
  assert.deepEqual((pinned.spec?.['source'] as { chart: unknown }).chart, { name: 'wordpress', version: '1.3.0' });
  assert.equal(viewGitSync(pinned).rollbackInEffect, true);
  const resumed = merge(pinned, resumePatch(pinned, 't')) as GitSyncObject;
  assert.deepEqual((resumed.spec?.['source'] as { chart: unknown }).chart, { name: 'wordpress', version: '>=1 <2' });
});
