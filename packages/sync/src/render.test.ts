import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { renderSource, type RenderedObject } from './render.js';
import { SyncError } from './sync-error.js';

const roots: string[] = [];
after(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

function checkout(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'gitseal-render-'));
  roots.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

const cm = (name: string, namespace?: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${namespace ? `  namespace: ${namespace}\n` : ''}data:\n  k: v\n`;

const summary = (objects: RenderedObject[]) =>
  objects.map((o) => `${o.source} ${o.object.kind} ${o.object.metadata?.namespace ?? '-'}/${o.object.metadata?.name}`);

function refused(code: string, reason: string, mentions: string[] = []) {
  return (e: unknown) => {
    assert.ok(e instanceof SyncError, String(e));
    assert.equal(e.code, code, e.message);
    assert.equal(e.reason, reason);
    for (const m of mentions) assert.ok(e.message.includes(m), `${e.message} should mention ${m}`);
    return true;
  };
}

describe('renderSource: plain directories', () => {
  it('walks directories in sorted order, multi-doc, List and JSON, skipping dot-dirs and other files', async () => {
    const dir = checkout({
      'apps/b.yaml': `${cm('b1')}---\n---\n${cm('b2', 'other')}`,
      'apps/a/z.yml': cm('az'),
      'apps/a.json': JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'json' } }),
      'apps/list.yaml': `apiVersion: v1\nkind: List\nitems:\n- ${JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'l0' } })}\n- ${JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'l1' } })}\n`,
      'apps/.hidden/x.yaml': cm('hidden'),
      'apps/README.md': 'not yaml: [',
      'apps/notes.txt': 'kind: nope',
      'other/c.yaml': cm('outside-path'),
    });
    const objects = await renderSource({ checkoutDir: dir, path: 'apps' });
    // Depth-first, entries sorted by name ("a" before "a.json").
    assert.deepEqual(summary(objects), [
      'apps/a/z.yml#0 ConfigMap -/az',
      'apps/a.json#0 ConfigMap -/json',
      'apps/b.yaml#0 ConfigMap -/b1',
      'apps/b.yaml#2 ConfigMap other/b2',
      'apps/list.yaml#0[0] Secret -/l0',
      'apps/list.yaml#0[1] Service -/l1',
    ]);
    const root = await renderSource({ checkoutDir: dir, path: './' });
    assert.equal(root.length, 7);
    assert.equal(root[6]?.source, 'other/c.yaml#0');
  });

  it('reads YAML 1.1 the way kubectl does (0644 is an octal number)', async () => {
    const dir = checkout({
      'd.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n      volumes:\n      - name: v\n        secret: {secretName: s, defaultMode: 0644}\n',
    });
    const [d] = await renderSource({ checkoutDir: dir });
    const volumes = (d?.object['spec'] as { template: { spec: { volumes: { secret: { defaultMode: number } }[] } } })
      .template.spec.volumes;
    assert.equal(volumes[0]?.secret.defaultMode, 420);
  });

  it('leaves namespaces as the files give them (the parent resolves them by API discovery)', async () => {
    const dir = checkout({ 'all.yaml': [cm('no-ns'), cm('has-ns', 'keep')].join('---\n') });
    const objects = await renderSource({ checkoutDir: dir });
    assert.deepEqual(
      objects.map((o) => o.object.metadata?.namespace ?? '-'),
      ['-', 'keep'],
    );
  });

  it('lets a hook (gitseal or Argo CD annotation) name itself by generateName', async () => {
    const hook = (annotation: string) =>
      `apiVersion: batch/v1\nkind: Job\nmetadata:\n  generateName: migrate-\n  annotations:\n    ${annotation}: PreSync\n`;
    const dir = checkout({ 'a.yaml': hook('gitseal.dev/hook'), 'b.yaml': hook('argocd.argoproj.io/hook') });
    const objects = await renderSource({ checkoutDir: dir });
    assert.deepEqual(
      objects.map((o) => [o.source, o.object.metadata?.generateName]),
      [
        ['a.yaml#0', 'migrate-'],
        ['b.yaml#0', 'migrate-'],
      ],
    );
  });

  it('names the file on invalid YAML and on objects without a name', async () => {
    const bad = checkout({ 'apps/good.yaml': cm('ok'), 'apps/bad.yaml': 'apiVersion: v1\nkind: [unclosed\n' });
    await assert.rejects(
      renderSource({ checkoutDir: bad, path: 'apps' }),
      refused('INVALID_MANIFEST', 'InvalidManifest', ['apps/bad.yaml', 'invalid YAML']),
    );
    const nameless = checkout({ 'x/n.yaml': `${cm('a')}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {}\n` });
    await assert.rejects(
      renderSource({ checkoutDir: nameless }),
      refused('INVALID_MANIFEST', 'InvalidManifest', ['x/n.yaml#1', 'metadata.name']),
    );
    const generatedNotHook = checkout({
      'x/g.yaml': 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  generateName: run-\n',
    });
    await assert.rejects(
      renderSource({ checkoutDir: generatedNotHook }),
      refused('INVALID_MANIFEST', 'InvalidManifest', ['x/g.yaml#0', 'generateName is only allowed on hooks']),
    );
    const notObject = checkout({ 'x/s.yaml': '- a\n- b\n' });
    await assert.rejects(
      renderSource({ checkoutDir: notObject }),
      refused('INVALID_MANIFEST', 'InvalidManifest', ['x/s.yaml']),
    );
  });

  it('refuses a file that is not UTF-8 instead of rendering replacement characters', async () => {
    const dir = checkout({ 'apps/good.yaml': cm('ok') });
    const bytes = Buffer.concat([
      Buffer.from(cm('latin1').replace('k: v', 'k: "caf')),
      Buffer.from([0xe9, 0x22, 0x0a]),
    ]);
    writeFileSync(join(dir, 'apps/latin1.yaml'), bytes);
    await assert.rejects(
      renderSource({ checkoutDir: dir, path: 'apps' }),
      refused('INVALID_MANIFEST', 'InvalidManifest', ['apps/latin1.yaml', 'not UTF-8']),
    );
  });

  it('applies the size and object caps', async () => {
    const dir = checkout({ 'a.yaml': cm('a'), 'big.yaml': `${cm('b')}# ${'x'.repeat(4000)}\n` });
    await assert.rejects(
      renderSource({ checkoutDir: dir, limits: { maxFileBytes: 1000 } }),
      refused('INVALID_MANIFEST', 'InvalidManifest', ['big.yaml']),
    );
    const many = checkout({ 'm.yaml': [cm('a'), cm('b'), cm('c')].join('---\n'), 'n.yaml': cm('d') });
    await assert.rejects(renderSource({ checkoutDir: many, limits: { maxObjects: 2 } }), SyncError);
    await assert.rejects(renderSource({ checkoutDir: many, limits: { maxObjects: 3 } }), SyncError);
    assert.equal((await renderSource({ checkoutDir: many, limits: { maxObjects: 4 } })).length, 4);
  });
});

describe('renderSource: path safety', () => {
  it('refuses traversal and absolute paths', async () => {
    const dir = checkout({ 'apps/a.yaml': cm('a') });
    for (const path of ['../', 'apps/../../x', '/etc', '..', 'apps/\u0000']) {
      await assert.rejects(renderSource({ checkoutDir: dir, path }), refused('INVALID_PATH', 'RenderFailed'), path);
    }
    await assert.rejects(renderSource({ checkoutDir: dir, path: 'missing' }), refused('INVALID_PATH', 'RenderFailed'));
  });

  it('refuses symlinks that leave the checkout, follows those that stay inside', async () => {
    const outside = checkout({ 'secret.yaml': cm('stolen'), 'dir/x.yaml': cm('stolen-dir') });
    const dir = checkout({ 'apps/a.yaml': cm('a'), 'shared/s.yaml': cm('shared') });
    symlinkSync(join(dir, 'shared'), join(dir, 'apps/shared-link'));
    symlinkSync('../shared/s.yaml', join(dir, 'apps/s-link.yaml'));
    const inside = await renderSource({ checkoutDir: dir, path: 'apps' });
    assert.deepEqual(
      inside.map((o) => o.source),
      ['apps/a.yaml#0', 'apps/s-link.yaml#0', 'apps/shared-link/s.yaml#0'],
    );
    symlinkSync(join(outside, 'secret.yaml'), join(dir, 'apps/evil.yaml'));
    await assert.rejects(
      renderSource({ checkoutDir: dir, path: 'apps' }),
      refused('INVALID_PATH', 'RenderFailed', ['apps/evil.yaml', 'outside']),
    );
    const dirLink = checkout({ 'apps/a.yaml': cm('a') });
    symlinkSync(join(outside, 'dir'), join(dirLink, 'apps/evil-dir'));
    await assert.rejects(
      renderSource({ checkoutDir: dirLink, path: 'apps' }),
      refused('INVALID_PATH', 'RenderFailed', ['apps/evil-dir']),
    );
    const pathLink = checkout({ 'x.yaml': cm('x') });
    symlinkSync(outside, join(pathLink, 'apps'));
    await assert.rejects(
      renderSource({ checkoutDir: pathLink, path: 'apps' }),
      refused('INVALID_PATH', 'RenderFailed'),
    );
  });
});

describe('renderSource: kustomize', () => {
  const kustomization =
    'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamePrefix: pre-\nnamespace: kns\nresources:\n- cm.yaml\n- ../base\n';
  const files = {
    'overlay/kustomization.yaml': kustomization,
    'overlay/cm.yaml': cm('one'),
    'overlay/ignored.yaml': cm('not-listed'),
    'base/kustomization.yml': 'resources:\n- svc.yaml\n',
    'base/svc.yaml': 'apiVersion: v1\nkind: Service\nmetadata: {name: svc}\nspec: {ports: [{port: 80}]}\n',
  };

  it('builds a kustomization with kubectl kustomize', async () => {
    const dir = checkout(files);
    const objects = await renderSource({ checkoutDir: dir, path: 'overlay' });
    assert.deepEqual(
      summary(objects).sort(),
      ['overlay/kustomization.yaml#0 ConfigMap kns/pre-one', 'overlay/kustomization.yaml#1 Service kns/pre-svc'].sort(),
    );
  });

  it('names the missing tool', async () => {
    const dir = checkout(files);
    await assert.rejects(
      renderSource({
        checkoutDir: dir,
        path: 'overlay',
        kustomize: { commands: [['gitseal-no-such-kustomize', 'build']] },
      }),
      refused('TOOL_MISSING', 'RenderFailed', ['gitseal-no-such-kustomize', 'overlay/kustomization.yaml']),
    );
  });

  it('reports a failing build with the kustomization file', async () => {
    const missing = checkout({ 'k/kustomization.yaml': 'resources:\n- nowhere.yaml\n' });
    await assert.rejects(
      renderSource({ checkoutDir: missing, path: 'k' }),
      refused('KUSTOMIZATION_REFUSED', 'RenderFailed', ['k/kustomization.yaml: resources[0] "nowhere.yaml"']),
    );
    // In the checkout but above the kustomization: kustomize's root-only load restrictor refuses the file.
    const above = checkout({ 'k/kustomization.yaml': 'resources:\n- ../cm.yaml\n', 'cm.yaml': cm('above') });
    await assert.rejects(
      renderSource({ checkoutDir: above, path: 'k' }),
      refused('RENDER_FAILED', 'RenderFailed', ['k/kustomization.yaml: kubectl kustomize failed']),
    );
  });

  it('refuses a checkout with a symlink leaving it before running kustomize', async () => {
    const outside = checkout({ 'x.yaml': cm('x') });
    const dir = checkout(files);
    symlinkSync(join(outside, 'x.yaml'), join(dir, 'base/leak.yaml'));
    await assert.rejects(
      renderSource({ checkoutDir: dir, path: 'overlay' }),
      refused('INVALID_PATH', 'RenderFailed', ['base/leak.yaml']),
    );
  });

  it('caps the output', async () => {
    const dir = checkout(files);
    await assert.rejects(
      renderSource({ checkoutDir: dir, path: 'overlay', kustomize: { maxOutputBytes: 50 } }),
      refused('RENDER_FAILED', 'RenderFailed', ['output larger']),
    );
  });
});

describe('renderSource: kustomize errors never quote the manifests', () => {
  const marker = 'PLAINTEXT-MARKER-7f3a9c';
  const kustomization = (body: string) => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n${body}`;

  /** Fails with RenderFailed, names every `mentions`, and holds no trace of the marker. */
  async function failsSafely(files: Record<string, string>, path: string, mentions: string[]): Promise<string> {
    let message = '';
    await assert.rejects(renderSource({ checkoutDir: checkout(files), path }), (e: unknown) => {
      assert.ok(e instanceof SyncError, String(e));
      message = e.message;
      return true;
    });
    assert.ok(!message.includes(marker) && !message.includes('7f3a9c'), `marker leaked: ${message}`);
    assert.doesNotMatch(message, /[\n\r]/);
    for (const m of mentions) assert.ok(message.includes(m), `${message} should mention ${m}`);
    return message;
  }

  it('invalid YAML in a resource: the file and line, not the content', async () => {
    const message = await failsSafely(
      {
        'apps/kustomization.yaml': kustomization('resources:\n- db.yaml\n'),
        'apps/db.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: [${marker}\n`,
      },
      'apps',
      ['apps/kustomization.yaml', 'invalid YAML in apps/db.yaml (line '],
    );
    assert.match(message, /^apps\/kustomization\.yaml: kubectl kustomize failed: /);
  });

  it('invalid YAML in a file of a base names the base file', async () => {
    await failsSafely(
      {
        'overlay/kustomization.yaml': kustomization('resources:\n- ../base\n'),
        'base/kustomization.yaml': kustomization('resources:\n- deep/cm.yaml\n'),
        'base/deep/cm.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n\tpw: ${marker}\n`,
      },
      'overlay',
      ['overlay/kustomization.yaml', 'invalid YAML in base/deep/cm.yaml'],
    );
  });

  it('a secretGenerator literal that is not key=value', async () => {
    await failsSafely(
      { 'gen/kustomization.yaml': kustomization(`secretGenerator:\n- name: s\n  literals:\n  - "${marker}"\n`) },
      'gen',
      ['gen/kustomization.yaml', 'invalid generator input'],
    );
  });

  it('an unknown field (even one named like a value) and invalid YAML in the kustomization', async () => {
    await failsSafely({ 'k/kustomization.yaml': kustomization(`resources: []\n${marker}: x\n`) }, 'k', [
      'k/kustomization.yaml',
      'unknown field in the kustomization of k',
    ]);
    // Read by gitseal's own check before kustomize runs.
    await failsSafely({ 'k/kustomization.yaml': kustomization(`resources: [${marker}\n`) }, 'k', [
      'k/kustomization.yaml: invalid YAML at line',
    ]);
  });

  it('an object without a name whose labels hold the marker', async () => {
    await failsSafely(
      {
        'k/kustomization.yaml': kustomization('resources:\n- s.yaml\n'),
        'k/s.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  labels: {v: ${marker}}\nstringData: {pw: ${marker}}\n`,
      },
      'k',
      ['object without apiVersion, kind or metadata.name in k/s.yaml'],
    );
  });

  it('a remote resource whose URL carries a credential', async () => {
    await failsSafely(
      { 'r/kustomization.yaml': kustomization(`resources:\n- https://user:${marker}@git.invalid/x/y//z\n`) },
      'r',
      ['r/kustomization.yaml: resources[0]: remote resources are not allowed'],
    );
  });

  it('a missing generator file and a missing base', async () => {
    await failsSafely(
      { 'g/kustomization.yaml': kustomization('secretGenerator:\n- name: s\n  files: [pw.txt]\n') },
      'g',
      ['g/kustomization.yaml: secretGenerator[0].files[0]: not found in the checkout'],
    );
    await failsSafely({ 'o/kustomization.yaml': kustomization('resources:\n- ../nowhere\n') }, 'o', [
      'o/kustomization.yaml: resources[0] "../nowhere": not found in the checkout',
    ]);
  });
});

describe('renderSource: formats a plain folder cannot hold', () => {
  it('a Helm chart inside a folder of manifests points at the chart folder; without Helm settings a chart is refused', async () => {
    const dir = checkout({
      'apps/cm.yaml': cm('a'),
      'apps/chart/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 1.0.0\n',
      'apps/chart/templates/deployment.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n',
    });
    await assert.rejects(
      renderSource({ checkoutDir: dir, path: 'apps' }),
      refused('RENDER_FAILED', 'RenderFailed', [
        'apps/chart/Chart.yaml',
        'point spec.source.path at the chart folder (apps/chart)',
      ]),
    );
    await assert.rejects(
      renderSource({ checkoutDir: dir, path: 'apps/chart' }),
      refused('RENDER_FAILED', 'RenderFailed', ['apps/chart: a Helm chart, and no Helm settings given']),
    );
  });

  it('a chart folder whose Chart.yaml is not YAML, or lacks a version, is one RenderFailed line naming it', async () => {
    const helm = {
      releaseName: 'web',
      namespace: 'shop',
      valuesFiles: [],
      includeCRDs: true,
      skipTests: true,
      apiVersions: [],
    };
    const broken = checkout({ 'chart/Chart.yaml': 'name: [unclosed\n' });
    await assert.rejects(
      renderSource({ checkoutDir: broken, path: 'chart', helm }),
      refused('RENDER_FAILED', 'RenderFailed', ['chart/Chart.yaml']),
    );
    const noVersion = checkout({ 'chart/Chart.yaml': 'apiVersion: v2\nname: web\n' });
    await assert.rejects(
      renderSource({ checkoutDir: noVersion, path: 'chart', helm }),
      refused('RENDER_FAILED', 'RenderFailed', ['chart/Chart.yaml: version is missing']),
    );
  });

  it('Jsonnet says it is not supported instead of "renders no objects"', async () => {
    const dir = checkout({ 'jsonnet/main.jsonnet': '{ apiVersion: "v1", kind: "ConfigMap" }\n' });
    await assert.rejects(
      renderSource({ checkoutDir: dir, path: 'jsonnet' }),
      refused('RENDER_FAILED', 'RenderFailed', ['jsonnet/main.jsonnet', 'Jsonnet is not supported']),
    );
  });

  it('kustomize output is marked (its namespace: lands on cluster-scoped kinds it does not know), files are not', async () => {
    const dir = checkout({
      'k/kustomization.yaml': 'resources: [cm.yaml]\n',
      'k/cm.yaml': cm('a'),
      'p/cm.yaml': cm('b'),
    });
    const kustomized = await renderSource({ checkoutDir: dir, path: 'k' });
    assert.deepEqual(
      kustomized.map((o) => o.kustomized),
      [true],
    );
    const plain = await renderSource({ checkoutDir: dir, path: 'p' });
    assert.deepEqual(
      plain.map((o) => o.kustomized),
      [undefined],
    );
  });
});
