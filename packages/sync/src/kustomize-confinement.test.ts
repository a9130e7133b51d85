// The kustomization check against the real `kubectl kustomize`: remote references never reach the network (a
// loopback server counts requests), bases cannot climb out of the checkout, legitimate layouts still render.
// Each hole is first shown open with kubectl alone, in gitseal's environment, so the test proves the check.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { kustomizeArgs, kustomizeEnv } from './kustomize.js';
import { renderSource } from './render.js';
import { SyncError } from './sync-error.js';

const roots: string[] = [];
after(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

function tree(files: Record<string, string>): string {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'gitseal-confine-')));
  roots.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

const cm = (name: string, data = 'v') =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  k: ${data}\n`;

/** `kubectl kustomize` run directly, with gitseal's flags and environment but without gitseal's check. */
function kubectlAlone(dir: string): Promise<{ code: number | null; stdout: string }> {
  const home = mkdtempSync(join(tmpdir(), 'gitseal-confine-home-'));
  roots.push(home);
  const { file, args } = kustomizeArgs(['kubectl', 'kustomize'], dir);
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: kustomizeEnv(home), stdio: ['ignore', 'pipe', 'ignore'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout }));
  });
}

function refusedWith(...mentions: string[]) {
  return (e: unknown) => {
    assert.ok(e instanceof SyncError, String(e));
    assert.equal(e.code, 'KUSTOMIZATION_REFUSED', e.message);
    assert.equal(e.reason, 'RenderFailed');
    for (const m of mentions) assert.ok(e.message.includes(m), `${e.message} should mention ${m}`);
    return true;
  };
}

const kubectlVersion = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });

/** Called first in every test: without kubectl each one fails (in CI and elsewhere), none is skipped. */
function requireKubectl(): void {
  const where = process.env['CI'] ? ' in CI' : '';
  assert.equal(kubectlVersion.status, 0, `kubectl (with kustomize) is required for these tests${where}`);
  assert.match(kubectlVersion.stdout, /Kustomize Version: v5\./);
}

describe('kustomize: remote references never reach the network', () => {
  let server: Server;
  const requests: string[] = [];
  let base = '';

  before(async () => {
    server = createServer((request, response) => {
      requests.push(request.url ?? '');
      response.end(cm('fetched-from-loopback'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('a loopback URL resource: kustomize alone fetches it, renderSource refuses it with no request made', async () => {
    requireKubectl();
    const root = tree({ 'app/kustomization.yaml': `resources:\n- ${base}/x.yaml\n` });
    // The hole: Go never sends loopback through HTTP_PROXY, NO_PROXY="" or not.
    const alone = await kubectlAlone(join(root, 'app'));
    assert.equal(alone.code, 0);
    assert.match(alone.stdout, /fetched-from-loopback/);
    assert.deepEqual(requests.splice(0), ['/x.yaml']);

    await assert.rejects(
      renderSource({ checkoutDir: root, path: 'app' }),
      refusedWith('app/kustomization.yaml: resources[0]: remote resources are not allowed'),
    );
    assert.deepEqual(requests, []);
  });

  it('remote bases, components, patches, generator sources and openapi, in every URL form: no request', async () => {
    requireKubectl();
    const host = base.slice('http://'.length);
    const forms = [
      `${base}/org/repo.git//base?ref=main`,
      `git::${base}/org/repo//base`,
      `${base.replace('http:', 'https:')}/org/repo//base?ref=v1`,
      `ssh://git@${host}/org/repo.git`,
      `git@${host.split(':')[0]}:org/repo.git`,
      `http://localhost:${host.split(':')[1]}/x.yaml`,
    ];
    const bodies = (url: string) => [
      `resources:\n- ${url}\n`,
      `bases:\n- ${url}\n`,
      `components:\n- ${url}\n`,
      `resources: [cm.yaml]\npatches:\n- path: ${url}\n`,
      `resources: [cm.yaml]\npatchesStrategicMerge:\n- ${url}\n`,
      `configMapGenerator:\n- name: c\n  files: [k=${url}]\n`,
      `configMapGenerator:\n- name: c\n  envs: [${url}]\n`,
      `resources: [cm.yaml]\nopenapi:\n  path: ${url}\n`,
      `resources: [cm.yaml]\ntransformers:\n- ${url}\n`,
      `crds:\n- ${url}\n`,
    ];
    for (const url of forms) {
      for (const body of bodies(url)) {
        const root = tree({ 'app/kustomization.yaml': body, 'app/cm.yaml': cm('local') });
        await assert.rejects(
          renderSource({ checkoutDir: root, path: 'app' }),
          refusedWith('app/kustomization.yaml: ', 'remote resources are not allowed'),
          body,
        );
      }
    }
    // The same forms in a base inside the checkout.
    const nested = tree({
      'app/kustomization.yaml': 'resources: [../base]\n',
      'base/kustomization.yaml': `resources:\n- ${base}/from-base.yaml\n`,
    });
    await assert.rejects(
      renderSource({ checkoutDir: nested, path: 'app' }),
      refusedWith('base/kustomization.yaml: resources[0]: remote resources are not allowed'),
    );
    assert.deepEqual(requests, []);
  });
});

describe('kustomize: nothing outside the checkout', () => {
  const marker = 'host-marker-5d1e';
  const host = tree({ 'host/kustomization.yaml': 'resources: [cm.yaml]\n', 'host/cm.yaml': cm(marker) });

  it('a ../ base climbing out of the checkout: kustomize alone renders it, renderSource refuses it', async () => {
    requireKubectl();
    const root = tree({ 'app/kustomization.yaml': 'resources: []\n' });
    const climb = `${'../'.repeat(join(root, 'app').split('/').length - 1)}${join(host, 'host').slice(1)}`;
    writeFileSync(join(root, 'app/kustomization.yaml'), `resources:\n- ${climb}\n`);
    const alone = await kubectlAlone(join(root, 'app'));
    assert.equal(alone.code, 0);
    assert.match(alone.stdout, new RegExp(marker));

    let message = '';
    await assert.rejects(renderSource({ checkoutDir: root, path: 'app' }), (e: unknown) => {
      refusedWith('app/kustomization.yaml: resources[0] "../', 'leaves the checkout')(e);
      message = (e as Error).message;
      return true;
    });
    assert.ok(!message.includes(marker), message);
  });

  it("a file above the kustomization but in the checkout: kustomize's root-only restrictor refuses it", async () => {
    requireKubectl();
    const root = tree({ 'app/kustomization.yaml': 'resources: [../cm.yaml]\n', 'cm.yaml': cm(marker) });
    await assert.rejects(renderSource({ checkoutDir: root, path: 'app' }), (e: unknown) => {
      assert.ok(e instanceof SyncError && e.code === 'RENDER_FAILED', String(e));
      assert.ok(e.message.startsWith('app/kustomization.yaml: kubectl kustomize failed'), e.message);
      assert.ok(!e.message.includes(marker));
      return true;
    });
  });
});

describe('kustomize: legitimate layouts still render', () => {
  it('an overlay with nested bases, a component, generators and a builtin transformer directory', async () => {
    requireKubectl();
    const root = tree({
      'overlays/prod/kustomization.yaml': [
        'namePrefix: prod-',
        'resources: [../../base, extra/deep]',
        'components: [../../components/team]',
        'configMapGenerator:\n- name: settings\n  files: [app.conf=config/app.conf]',
        'transformers: [../../plugins]',
        'patches:\n- path: patch.yaml',
      ].join('\n'),
      'overlays/prod/config/app.conf': 'level=info\n',
      'overlays/prod/patch.yaml': cm('base-cm', 'patched'),
      'overlays/prod/extra/deep/kustomization.yaml': 'resources: [cm.yaml]\n',
      'overlays/prod/extra/deep/cm.yaml': cm('deep'),
      'base/kustomization.yaml': 'resources: [cm.yaml, ../shared]\n',
      'base/cm.yaml': cm('base-cm'),
      'shared/kustomization.yaml': 'resources: [svc.yaml]\n',
      'shared/svc.yaml': 'apiVersion: v1\nkind: Service\nmetadata: {name: svc}\nspec: {ports: [{port: 80}]}\n',
      'components/team/kustomization.yaml':
        'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nlabels:\n- pairs: {team: blue}\n',
      'plugins/kustomization.yaml': 'resources: [annotate.yaml]\n',
      'plugins/annotate.yaml':
        'apiVersion: builtin\nkind: AnnotationsTransformer\nmetadata: {name: a}\nannotations: {owner: platform}\nfieldSpecs:\n- path: metadata/annotations\n  create: true\n',
    });
    const objects = await renderSource({ checkoutDir: root, path: 'overlays/prod' });
    const names = objects.map((o) => `${o.object.kind}/${o.object.metadata?.name ?? ''}`).sort();
    assert.deepEqual(
      names.map((n) => n.replace(/-[a-z0-9]{10}$/, '-<hash>')),
      ['ConfigMap/prod-base-cm', 'ConfigMap/prod-deep', 'ConfigMap/prod-settings-<hash>', 'Service/prod-svc'],
    );
    for (const { object } of objects) {
      assert.equal(object.metadata?.labels?.['team'], 'blue');
      assert.equal(object.metadata?.annotations?.['owner'], 'platform');
    }
    const patched = objects.find((o) => o.object.metadata?.name === 'prod-base-cm');
    assert.deepEqual(patched?.object['data'], { k: 'patched' });
  });
});
