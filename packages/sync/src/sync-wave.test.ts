import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '@gitseal/manifests';
import type { RenderedObject } from './render.js';
import { SyncError } from './sync-error.js';
import { groupByWave, syncWaveOf } from './sync-wave.js';

const item = (annotations?: Record<string, string>, name = 'cm'): RenderedObject => ({
  object: {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: 'shop', ...(annotations ? { annotations } : {}) },
  } as KubeObject,
  source: 'app/cm.yaml#0',
});

describe('syncWaveOf', () => {
  it('is 0 without an annotation', () => {
    assert.equal(syncWaveOf(item()), 0);
  });

  it("reads gitseal's annotation and Argo CD's the same way, negative waves included", () => {
    assert.equal(syncWaveOf(item({ 'gitseal.dev/sync-wave': '5' })), 5);
    assert.equal(syncWaveOf(item({ 'argocd.argoproj.io/sync-wave': '-3' })), -3);
    assert.equal(syncWaveOf(item({ 'argocd.argoproj.io/sync-wave': ' +2 ' })), 2);
  });

  it("prefers gitseal's annotation when both are set", () => {
    assert.equal(syncWaveOf(item({ 'gitseal.dev/sync-wave': '1', 'argocd.argoproj.io/sync-wave': '9' })), 1);
  });

  it('refuses a wave that is not an integer, naming the file and object', () => {
    for (const value of ['1.5', 'one', '', '1e3', '9999999999']) {
      assert.throws(
        () => syncWaveOf(item({ 'gitseal.dev/sync-wave': value })),
        (error: unknown) =>
          error instanceof SyncError &&
          error.reason === 'InvalidManifest' &&
          error.message === 'app/cm.yaml#0: ConfigMap shop/cm: sync-wave must be an integer, e.g. "-1" or "5"',
      );
    }
  });
});

describe('groupByWave', () => {
  it('groups by wave, lowest first, keeping the given order inside a wave', () => {
    const items = [
      item({ 'gitseal.dev/sync-wave': '2' }, 'a'),
      item(undefined, 'b'),
      item({ 'argocd.argoproj.io/sync-wave': '-1' }, 'c'),
      item({ 'gitseal.dev/sync-wave': '2' }, 'd'),
      item({ 'gitseal.dev/sync-wave': '0' }, 'e'),
    ];
    const waves = groupByWave(items, syncWaveOf).map(
      (w) => `${w.wave}:${w.items.map((i) => i.object.metadata?.name).join(',')}`,
    );
    assert.deepEqual(waves, ['-1:c', '0:b,e', '2:a,d']);
  });

  it('gives nothing for nothing', () => {
    assert.deepEqual(groupByWave([], syncWaveOf), []);
  });
});
