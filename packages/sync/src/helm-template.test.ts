import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { helmTemplateArgs, runHelmTemplate } from './helm-template.js';
import type { HelmRenderSettings } from './helm-settings.js';
import { SyncError } from './sync-error.js';

const settings: HelmRenderSettings = {
  releaseName: 'web',
  namespace: 'shop',
  valuesFiles: [],
  values: { a: 1 },
  includeCRDs: true,
  skipTests: true,
  kubeVersion: 'v1.35.4',
  apiVersions: ['apps/v1', 'apps/v1/Deployment'],
};
const dir = mkdtempSync(join(tmpdir(), 'gitseal-helm-template-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('helm template gets only gitseal’s flags; the merged values come on stdin', () => {
  assert.deepEqual(helmTemplateArgs('/c', settings, ['/v/prod.yaml']), [
    ...['template', 'web', '/c', '--namespace', 'shop', '--include-crds', '--skip-tests'],
    ...['--kube-version', 'v1.35.4', '--api-versions', 'apps/v1', '--api-versions', 'apps/v1/Deployment'],
    ...['-f', '/v/prod.yaml', '-f', '-'],
  ]);
  const bare = { ...settings, includeCRDs: false, skipTests: false, apiVersions: [] };
  const { values: _values, kubeVersion: _kube, ...rest } = bare;
  assert.deepEqual(helmTemplateArgs('/c', rest, []), ['template', 'web', '/c', '--namespace', 'shop']);
});

test('a missing helm is TOOL_MISSING, with or without the address-space limit', async () => {
  mkdirSync(join(dir, 'chart'), { recursive: true });
  writeFileSync(join(dir, 'chart', 'Chart.yaml'), 'apiVersion: v2\nname: c\nversion: 1.0.0\n');
  for (const maxAddressSpaceBytes of [0, 1024 * 1024 * 1024]) {
    await assert.rejects(
      runHelmTemplate(join(dir, 'chart'), settings, {
        shown: 'chart',
        valuesFiles: [],
        secrets: [],
        options: { command: 'gitseal-no-such-helm', maxAddressSpaceBytes },
      }),
      (e: unknown) =>
        e instanceof SyncError &&
        e.code === 'TOOL_MISSING' &&
        e.message === 'chart: a Helm chart, but gitseal-no-such-helm is not on PATH',
    );
  }
});
