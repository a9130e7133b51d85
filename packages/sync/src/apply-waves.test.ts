import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '@gitseal/manifests';
import { orderForApply } from './apply-order.js';
import { planWaves } from './apply-waves.js';
import { splitRevision } from './hook-phase.js';

const obj = (kind: string, name: string, wave?: string, extra: Record<string, string> = {}): KubeObject => ({
  apiVersion: kind === 'Deployment' ? 'apps/v1' : 'v1',
  kind,
  metadata: {
    name,
    namespace: 'shop',
    annotations: { ...(wave === undefined ? {} : { 'argocd.argoproj.io/sync-wave': wave }), ...extra },
  },
});

describe('planWaves', () => {
  it('groups the apply order by wave (negative first) and keeps tiers in order inside a wave', () => {
    const planned = orderForApply(
      [
        obj('Deployment', 'web', '1'),
        obj('ConfigMap', 'cfg', '1'),
        obj('Deployment', 'db', '-1'),
        obj('Service', 'svc'),
      ].map((object, i) => ({ object, source: `f#${i}` })),
    );
    const waves = planWaves(planned).map((w) => `${w.wave}:${w.objects.map((o) => o.object.metadata?.name).join(',')}`);
    assert.deepEqual(waves, ['-1:db', '0:svc', '1:cfg,web']);
  });

  it('puts Sync hooks into their wave, even a wave with no objects', () => {
    const { main, hooks } = splitRevision(
      [obj('ConfigMap', 'a'), obj('Pod', 'check', '3', { 'gitseal.dev/hook': 'Sync' })].map((object, i) => ({
        object,
        source: `f#${i}`,
      })),
    );
    const waves = planWaves(orderForApply(main), hooks);
    assert.deepEqual(
      waves.map((w) => ({
        wave: w.wave,
        objects: w.objects.length,
        hooks: w.hooks.map((h) => h.object.metadata?.name),
      })),
      [
        { wave: 0, objects: 1, hooks: [] },
        { wave: 3, objects: 0, hooks: ['check'] },
      ],
    );
  });
});
