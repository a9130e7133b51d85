import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GitSync } from '@gitseal/manifests';
import { checkReleaseName } from './helm-chart.js';
import { helmSettingsFor } from './helm-settings-for.js';
import type { ObjectApi } from './live-objects.js';
import { SyncError } from './sync-error.js';

const reader = {} as ObjectApi;
const gitSync = (name: string, spec: Partial<GitSync['spec']> = {}): Pick<GitSync, 'metadata' | 'spec'> => ({
  metadata: { name, namespace: 'team-a' },
  spec: { source: { url: 'https://git.example/x.git' }, ...spec },
});
const down = async (): Promise<never> => {
  throw new Error('discovery down');
};
const caps = async () => ({ kubeVersion: 'v1.35.4', apiVersions: ['apps/v1'] });

test('any GitSync name is fine until a chart is rendered; the release name is checked there', async () => {
  const settings = await helmSettingsFor(gitSync('app.v2'), { reader, capabilities: caps });
  assert.equal(settings.releaseName, 'app.v2');
  assert.equal(settings.namespace, 'team-a');
  assert.deepEqual(settings.apiVersions, ['apps/v1']);
  assert.throws(
    () => checkReleaseName('app.v2'),
    (e: unknown) =>
      e instanceof SyncError && e.code === 'INVALID_SPEC' && /set spec\.helm\.releaseName$/.test(e.message),
  );
  assert.throws(() => checkReleaseName('a'.repeat(54)), SyncError);
  checkReleaseName('a'.repeat(53));
});

test('a discovery failure fails only GitSyncs that ask for Helm', async () => {
  const plain = await helmSettingsFor(gitSync('app'), { reader, capabilities: down });
  assert.deepEqual([plain.kubeVersion, plain.apiVersions], [undefined, []]);
  await assert.rejects(helmSettingsFor(gitSync('app', { helm: {} }), { reader, capabilities: down }), /discovery down/);
  await assert.rejects(
    helmSettingsFor(gitSync('app', { source: { url: 'oci://r/c', chart: { name: 'c' } } }), {
      reader,
      capabilities: down,
    }),
    /discovery down/,
  );
  const pinned = await helmSettingsFor(gitSync('app', { helm: { kubeVersion: 'v1.30.0', apiVersions: ['v1'] } }), {
    reader,
    capabilities: down,
  });
  assert.deepEqual([pinned.kubeVersion, pinned.apiVersions], ['v1.30.0', ['v1']]);
});
