import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createGitFixture } from './git-test-fixture.js';
import { childEnvironment, renderInChild, resolveChartInChild } from './render-in-child.js';
import { SyncError } from './sync-error.js';

describe('renderInChild', () => {
  const repo = createGitFixture();
  const cacheDir = mkdtempSync(join(tmpdir(), 'gitseal-render-child-'));
  after(() => {
    repo.remove();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('passes only PATH, TMPDIR and proxies to the child', () => {
    const env = childEnvironment({
      PATH: '/bin',
      KUBECONFIG: '/k',
      KUBERNETES_SERVICE_HOST: '10.0.0.1',
      HOME: '/root',
      HTTPS_PROXY: 'http://p',
    });
    assert.deepEqual(env, { LANG: 'C', PATH: '/bin', HTTPS_PROXY: 'http://p' });
  });

  it('fetches and renders a revision in a child process', async () => {
    const commit = repo.commit({
      'apps/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: one\ndata:\n  mode: "0644"\n',
      'other/skip.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: two\n',
    });
    repo.push('main');
    const out = await renderInChild({
      url: repo.fileUrl,
      ref: { branch: 'main' },
      cacheDir,
      path: 'apps',
    });
    assert.equal(out.revision, `main@sha1:${commit}`);
    assert.deepEqual(out.objects, [
      {
        source: 'apps/cm.yaml#0',
        object: {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'one' },
          data: { mode: '0644' },
        },
      },
    ]);
  });

  it("returns the child's SyncError (naming the file) and caps the answer", async () => {
    repo.commit({ 'apps/bad.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: [oops\n' });
    repo.push('main');
    await assert.rejects(
      renderInChild({ url: repo.fileUrl, ref: { branch: 'main' }, cacheDir, path: 'apps' }),
      (error: unknown) =>
        error instanceof SyncError && error.reason === 'InvalidManifest' && /apps\/bad\.yaml/.test(error.message),
    );
    repo.git('rm', '--quiet', 'apps/bad.yaml');
    repo.commit({});
    repo.push('main');
    await assert.rejects(
      renderInChild({ url: repo.fileUrl, ref: { branch: 'main' }, cacheDir, path: 'apps' }, { maxOutputBytes: 20 }),
      (error: unknown) =>
        error instanceof SyncError && error.code === 'RENDER_PROCESS' && /larger than 20 bytes/.test(error.message),
    );
    await assert.rejects(
      renderInChild({ url: repo.fileUrl, ref: { branch: 'nope' }, cacheDir }),
      (error: unknown) => error instanceof SyncError && error.reason === 'GitFetchFailed',
    );
  });

  it('a broken kustomization: names the file and the kind of error, never the content', async () => {
    const marker = 'PLAINTEXT-MARKER-c0ffee';
    repo.commit({
      'kust/kustomization.yaml': 'resources:\n- db.yaml\n',
      'kust/db.yaml': `apiVersion: v1\nkind: Secret\nmetadata: {name: db}\nstringData:\n  password: [${marker}\n`,
    });
    repo.push('main');
    await assert.rejects(
      renderInChild({ url: repo.fileUrl, ref: { branch: 'main' }, cacheDir, path: 'kust' }),
      (error: unknown) => {
        assert.ok(error instanceof SyncError && error.reason === 'RenderFailed', String(error));
        assert.ok(!error.message.includes(marker), error.message);
        assert.match(error.message, /^kust\/kustomization\.yaml: .*invalid YAML in kust\/db\.yaml \(line \d+\)$/);
        return true;
      },
    );
  });
});

it('a chart source is resolved in the render child: its errors come back as the child’s SyncErrors', async () => {
  await assert.rejects(
    resolveChartInChild({ resolveChart: { url: 'http://127.0.0.1:9/charts', name: 'web' }, cacheDir: '/nonexistent' }),
    (error: unknown) =>
      error instanceof SyncError &&
      error.code === 'CHART_FETCH_FAILED' &&
      /^chart web from http:\/\/127\.0\.0\.1:9\/charts: plain http is not allowed \(use https\)$/.test(error.message),
  );
});
