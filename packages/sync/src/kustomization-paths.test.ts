import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { checkKustomizationPaths, type KustomizationCheckLimits } from './kustomization-paths.js';
import { SyncError } from './sync-error.js';
import { refusedKustomization } from './kustomization-refusal.js';

const roots: string[] = [];
after(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

function tree(files: Record<string, string>): string {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'gitseal-kpaths-')));
  roots.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;
const builtin = (kind: string, body: string) => `apiVersion: builtin\nkind: ${kind}\nmetadata:\n  name: p\n${body}`;

/** A host directory outside every checkout, holding a valid kustomization. */
const outside = tree({ 'host/kustomization.yaml': 'resources: [cm.yaml]\n', 'host/cm.yaml': cm('host-marker') });

const check = (root: string, path = 'app', limits?: KustomizationCheckLimits) =>
  checkKustomizationPaths(root, join(root, path), limits);

const refused = refusedKustomization;

/** `../` climbing from the checkout's app/ directory into the host directory outside. */
function climb(root: string, target = 'host'): string {
  const depth = join(root, 'app').split('/').length - 1;
  return `${'../'.repeat(depth)}${join(outside, target).slice(1)}`;
}

describe('checkKustomizationPaths: what stays inside', () => {
  it('walks nested bases, components, generators and plugin configs inside the checkout', async () => {
    const root = tree({
      'app/kustomization.yaml': [
        'resources: [cm.yaml, ../base, sub/deep]',
        'components: [../components/label]',
        'configMapGenerator:\n- name: c\n  files: [conf=../shared/app.conf]\n  envs: [../shared/app.env]',
        'patches:\n- path: patch.yaml',
        'transformers: [t.yaml, ../plugins]',
        'generators:\n- |\n  apiVersion: builtin\n  kind: SecretGenerator\n  metadata: {name: s}\n  files: [../shared/app.conf]',
      ].join('\n'),
      'app/cm.yaml': cm('a'),
      'app/patch.yaml': cm('a'),
      'app/t.yaml': builtin('PatchTransformer', 'path: patch.yaml\n'),
      'app/sub/deep/kustomization.yml': 'resources: [../../../base]\n',
      'base/kustomization.yaml': 'resources: [svc.yaml]\n',
      'base/svc.yaml': cm('svc'),
      'components/label/kustomization.yaml': 'kind: Component\nlabels: [{pairs: {a: b}}]\n',
      'shared/app.conf': 'x=1\n',
      'shared/app.env': 'Y=2\n',
      // A plugin directory: its resources are plugin configs, whose paths are relative to app/.
      'plugins/kustomization.yaml': 'resources: [labels.yaml]\n',
      'plugins/labels.yaml': builtin('PatchStrategicMergeTransformer', 'paths: [patch.yaml]\n'),
    });
    assert.deepEqual(await check(root), [
      'app/kustomization.yaml',
      'base/kustomization.yaml',
      'app/sub/deep/kustomization.yml',
      'components/label/kustomization.yaml',
      'plugins/kustomization.yaml',
    ]);
  });

  it('follows symlinks that stay in the checkout, the kustomization directory itself included', async () => {
    const root = tree({
      'real/kustomization.yaml': 'resources: [cm.yaml, ../base-link]\n',
      'real/cm.yaml': cm('a'),
      'base/kustomization.yaml': 'resources: [cm.yaml]\n',
      'base/cm.yaml': cm('b'),
    });
    symlinkSync('real', join(root, 'app'));
    symlinkSync('base', join(root, 'base-link'));
    assert.deepEqual(await check(root), ['real/kustomization.yaml', 'base/kustomization.yaml']);
  });
});

describe('checkKustomizationPaths: leaving the checkout', () => {
  it('refuses ../ climbing out of the checkout from every field that names a path', async () => {
    const out = (root: string, target: string) => climb(root, target);
    const cases: [string, (root: string) => string, string][] = [
      ['resources', (r) => `resources: [${out(r, 'host')}]`, 'resources[0]'],
      ['bases', (r) => `bases: [${out(r, 'host')}]`, 'bases[0]'],
      ['components', (r) => `components: [${out(r, 'host')}]`, 'components[0]'],
      ['crds', (r) => `crds: [${out(r, 'host/cm.yaml')}]`, 'crds[0]'],
      ['configurations', (r) => `configurations: [${out(r, 'host/cm.yaml')}]`, 'configurations[0]'],
      ['generators', (r) => `generators: [${out(r, 'host')}]`, 'generators[0]'],
      ['transformers', (r) => `transformers: [${out(r, 'host/cm.yaml')}]`, 'transformers[0]'],
      ['validators', (r) => `validators: [${out(r, 'host/cm.yaml')}]`, 'validators[0]'],
      [
        'patchesStrategicMerge',
        (r) => `patchesStrategicMerge: [${out(r, 'host/cm.yaml')}]`,
        'patchesStrategicMerge[0]',
      ],
      ['patches', (r) => `patches:\n- path: ${out(r, 'host/cm.yaml')}`, 'patches[0].path'],
      ['patchesJson6902', (r) => `patchesJson6902:\n- path: ${out(r, 'host/cm.yaml')}`, 'patchesJson6902[0].path'],
      ['replacements', (r) => `replacements:\n- path: ${out(r, 'host/cm.yaml')}`, 'replacements[0].path'],
      ['openapi', (r) => `openapi:\n  path: ${out(r, 'host/cm.yaml')}`, 'openapi.path'],
      [
        'configMapGenerator files key=',
        (r) => `configMapGenerator:\n- name: c\n  files: [stolen=${out(r, 'host/cm.yaml')}]`,
        'configMapGenerator[0].files[0]',
      ],
      [
        'secretGenerator envs',
        (r) => `secretGenerator:\n- name: s\n  envs: [${out(r, 'host/cm.yaml')}]`,
        'secretGenerator[0].envs[0]',
      ],
      [
        'secretGenerator env',
        (r) => `secretGenerator:\n- name: s\n  env: ${out(r, 'host/cm.yaml')}`,
        'secretGenerator[0].env',
      ],
    ];
    for (const [name, body, field] of cases) {
      const root = tree({ 'app/kustomization.yaml': 'resources: []\n' });
      writeFileSync(join(root, 'app/kustomization.yaml'), `${body(root)}\n`);
      // Generator sources are named by position only: a literal put under files must not be echoed.
      const quoted = field.includes('Generator') ? `${field}: ` : `${field} "../`;
      await assert.rejects(check(root), refused(`app/kustomization.yaml: ${quoted}`, 'leaves the checkout'), name);
    }
  });

  it('refuses a short ../ climb from a base and from a plugin config', async () => {
    const base = tree({
      'app/kustomization.yaml': 'resources: [../base]\n',
      'base/kustomization.yaml': 'configMapGenerator:\n- name: c\n  files: [key=../../x]\n',
    });
    await assert.rejects(
      check(base),
      refused('base/kustomization.yaml: configMapGenerator[0].files[0]: leaves the checkout'),
    );
    const plugin = tree({
      'app/kustomization.yaml': 'generators: [gen.yaml]\n',
      'app/gen.yaml': builtin('ConfigMapGenerator', 'files: [../../etc/passwd]\n'),
    });
    await assert.rejects(check(plugin), refused('app/gen.yaml#0: ConfigMapGenerator.files[0]: leaves the checkout'));
  });

  it('refuses absolute paths', async () => {
    for (const body of ['resources: [/etc]', `resources: [${join(outside, 'host')}]`, 'crds: [/etc/passwd]']) {
      const root = tree({ 'app/kustomization.yaml': `${body}\n` });
      await assert.rejects(check(root), refused('app/kustomization.yaml', 'absolute paths are not allowed'), body);
    }
  });

  it('refuses symlinks to /etc, to a directory outside, and a kustomization file or directory outside', async () => {
    // The entries name links in the checkout: the message names them, never where they lead.
    const noHostPath =
      (...mentions: string[]) =>
      (e: unknown) =>
        refused(...mentions)(e) && !(e as Error).message.includes(outside) && !(e as Error).message.includes('/etc');
    const etc = tree({ 'app/kustomization.yaml': 'configMapGenerator:\n- name: c\n  files: [passwd]\n' });
    symlinkSync('/etc/passwd', join(etc, 'app/passwd'));
    await assert.rejects(
      check(etc),
      noHostPath('configMapGenerator[0].files[0]: leaves the checkout through a symlink'),
    );
    const etcDir = tree({ 'app/kustomization.yaml': 'resources: [etc]\n' });
    symlinkSync('/etc', join(etcDir, 'app/etc'));
    await assert.rejects(check(etcDir), noHostPath('resources[0] "etc": leaves the checkout through a symlink'));
    const hostDir = tree({ 'app/kustomization.yaml': 'resources: [../vendor]\n' });
    symlinkSync(join(outside, 'host'), join(hostDir, 'vendor'));
    await assert.rejects(check(hostDir), noHostPath('resources[0] "../vendor": leaves the checkout through a symlink'));
    const file = tree({ 'app/x': '' });
    symlinkSync(join(outside, 'host/kustomization.yaml'), join(file, 'app/kustomization.yaml'));
    await assert.rejects(check(file), noHostPath('app/kustomization.yaml: leaves the checkout'));
    const dir = tree({ 'app/kustomization.yaml': 'resources: [../linked]\n' });
    symlinkSync(join(outside, 'host'), join(dir, 'linked'));
    await assert.rejects(check(dir), noHostPath('"../linked": leaves the checkout through a symlink'));
  });
});

describe('checkKustomizationPaths: remote and missing', () => {
  it('refuses every URL form, without echoing the URL', async () => {
    for (const url of [
      'https://user:TOKEN-MARKER@example.com/org/repo//deploy?ref=v1',
      'http://127.0.0.1:8080/x.yaml',
      'git@github.com:org/repo',
      'github.com/org/repo//overlays/prod?ref=main',
      'ssh://git@example.com/org/repo.git',
      'example.com/org/repo//subdir?ref=v2',
    ]) {
      for (const body of [
        `resources: ["${url}"]`,
        `components: ["${url}"]`,
        `patches:\n- path: "${url}"`,
        `configMapGenerator:\n- name: c\n  files: ["k=${url}"]`,
      ]) {
        const root = tree({ 'app/kustomization.yaml': `${body}\n` });
        await assert.rejects(check(root), (e: unknown) => {
          refused('app/kustomization.yaml: ', 'remote resources are not allowed')(e);
          assert.ok(!(e as Error).message.includes('TOKEN-MARKER') && !(e as Error).message.includes('example.com'));
          return true;
        });
      }
    }
  });

  it('refuses paths that do not exist: kustomize would try them as URLs', async () => {
    const root = tree({ 'app/kustomization.yaml': 'resources: [cm.yaml, ../missing-base]\n', 'app/cm.yaml': cm('a') });
    await assert.rejects(
      check(root),
      refused('app/kustomization.yaml: resources[1] "../missing-base": not found in the checkout'),
    );
    const gen = tree({ 'app/kustomization.yaml': 'secretGenerator:\n- name: s\n  files: [tls.key]\n' });
    await assert.rejects(check(gen), refused('secretGenerator[0].files[0]: not found in the checkout'));
    // A literal put under files by mistake is not echoed.
    const literal = tree({
      'app/kustomization.yaml': 'secretGenerator:\n- name: s\n  files: [DB_PASSWORD=s3cret-7f3a]\n',
    });
    await assert.rejects(check(literal), (e: unknown) => {
      refused('secretGenerator[0].files[0]: not found in the checkout')(e);
      assert.ok(!(e as Error).message.includes('s3cret'), (e as Error).message);
      return true;
    });
  });

  it("refuses a directory without a kustomization, and files and directories in each other's place", async () => {
    const bare = tree({ 'app/kustomization.yaml': 'resources: [../plain]\n', 'plain/cm.yaml': cm('a') });
    await assert.rejects(check(bare), refused('resources[0] "../plain": plain holds no kustomization'));
    const two = tree({ 'app/kustomization.yaml': 'resources: []\n', 'app/Kustomization': 'resources: [../../x]\n' });
    await assert.rejects(check(two), refused('app holds more than one kustomization file'));
    const component = tree({ 'app/kustomization.yaml': 'components: [c.yaml]\n', 'app/c.yaml': cm('a') });
    await assert.rejects(check(component), refused('components[0] "c.yaml": is a file, not a directory'));
    const crd = tree({ 'app/kustomization.yaml': 'crds: [crds]\n', 'app/crds/x.yaml': cm('a') });
    await assert.rejects(check(crd), refused('crds[0] "crds": is a directory, not a file'));
  });
});

describe('checkKustomizationPaths: graph limits, Helm and plugins', () => {
  it('refuses cycles, a base above its overlay included', async () => {
    const cycle = tree({
      'app/kustomization.yaml': 'resources: [../b]\n',
      'b/kustomization.yaml': 'resources: [../c]\n',
      'c/kustomization.yaml': 'resources: [../app]\n',
    });
    await assert.rejects(
      check(cycle),
      refused('c/kustomization.yaml: resources[0] "../app": app is already being built'),
    );
    const self = tree({ 'app/kustomization.yaml': 'resources: [.]\n' });
    await assert.rejects(check(self), refused('resources[0] ".": app is already being built (a cycle)'));
    // A diamond is no cycle: the shared base is checked once.
    const diamond = tree({
      'app/kustomization.yaml': 'resources: [../l, ../r]\n',
      'l/kustomization.yaml': 'resources: [../base]\n',
      'r/kustomization.yaml': 'resources: [../base]\n',
      'base/kustomization.yaml': 'resources: []\n',
    });
    assert.equal((await check(diamond)).length, 4);
  });

  it('caps the number of kustomization files and their size', async () => {
    const chain = tree({
      'app/kustomization.yaml': 'resources: [../k1]\n',
      'k1/kustomization.yaml': 'resources: [../k2]\n',
      'k2/kustomization.yaml': 'resources: [../k3]\n',
      'k3/kustomization.yaml': 'resources: []\n',
    });
    assert.equal((await check(chain, 'app', { maxKustomizations: 4 })).length, 4);
    await assert.rejects(check(chain, 'app', { maxKustomizations: 3 }), refused('more than 3 kustomization files'));
    const big = tree({ 'app/kustomization.yaml': `resources: []\n# ${'x'.repeat(2000)}\n` });
    await assert.rejects(
      check(big, 'app', { maxFileBytes: 1000 }),
      refused('app/kustomization.yaml: larger than 1000 bytes'),
    );
  });

  it('refuses a second YAML document, which kustomize would not read', async () => {
    const root = tree({ 'app/kustomization.yaml': 'resources: []\n---\nresources: [../../x]\n' });
    await assert.rejects(check(root), refused('app/kustomization.yaml: more than one YAML document'));
    const trailing = tree({ 'app/kustomization.yaml': 'resources: []\n---\n' });
    assert.deepEqual(await check(trailing), ['app/kustomization.yaml']);
  });

  it('reports unreadable YAML as a render failure naming the file', async () => {
    const root = tree({ 'app/kustomization.yaml': 'resources: [unclosed\n' });
    await assert.rejects(check(root), (e: unknown) => {
      assert.ok(
        e instanceof SyncError &&
          e.code === 'RENDER_FAILED' &&
          e.message.startsWith('app/kustomization.yaml: invalid YAML'),
      );
      return true;
    });
  });

  it('refuses Helm charts, also in a base', async () => {
    const root = tree({
      'app/kustomization.yaml': 'resources: [../base]\n',
      'base/kustomization.yaml': 'helmCharts:\n- name: redis\n  repo: https://charts.example\n',
    });
    await assert.rejects(check(root), refused('base/kustomization.yaml: helmCharts: Helm charts are not rendered'));
  });

  it('refuses KRM functions and exec plugins in plugin files and plugin directories', async () => {
    const fn =
      'apiVersion: example.com/v1\nkind: Render\nmetadata:\n  name: f\n  annotations:\n    config.kubernetes.io/function: |\n      exec: {path: /bin/sh}\n';
    const file = tree({
      'app/kustomization.yaml': 'generators: [fn.yaml]\n',
      'app/fn.yaml': `${builtin('LabelTransformer', 'labels: {a: b}\n')}---\n${fn}`,
    });
    await assert.rejects(check(file), refused('app/fn.yaml#1: KRM functions and exec plugins are not run'));
    const dir = tree({
      'app/kustomization.yaml': 'transformers: [../plugins]\n',
      'plugins/kustomization.yaml': 'resources: [../more]\n',
      'more/kustomization.yaml': 'resources: [exec.yaml]\n',
      'more/exec.yaml': 'apiVersion: someteam.example.com/v1\nkind: SedTransformer\nmetadata: {name: s}\n',
    });
    await assert.rejects(check(dir), refused('more/exec.yaml#0: SedTransformer is not a builtin'));
    const rewriting = tree({
      'app/kustomization.yaml': 'validators: [../plugins]\n',
      'plugins/kustomization.yaml':
        'resources: [t.yaml]\npatches:\n- patch: "[]"\n  target: {kind: PatchTransformer}\n',
      'plugins/t.yaml': builtin('PatchTransformer', 'path: p.yaml\n'),
    });
    await assert.rejects(check(rewriting), refused('plugins/kustomization.yaml: used as a plugin directory'));
  });

  it('checks a kustomization file listed as a resource as its directory', async () => {
    const root = tree({
      'app/kustomization.yaml': 'resources: [sub/kustomization.yaml]\n',
      'app/sub/kustomization.yaml': `resources: [${'../'.repeat(12)}etc]\n`,
    });
    await assert.rejects(check(root), refused('app/sub/kustomization.yaml: resources[0] "../', 'leaves the checkout'));
    const self = tree({ 'app/kustomization.yaml': 'resources: [kustomization.yaml]\n' });
    await assert.rejects(check(self), refused('a cycle'));
  });

  it('refuses an inline entry that is also the name of a file', async () => {
    const inline = 'apiVersion: builtin\nkind: LabelTransformer\nmetadata:\n  name: l\nlabels: {a: b}\n';
    const root = tree({ 'app/kustomization.yaml': `transformers:\n- ${JSON.stringify(inline)}\n` });
    assert.deepEqual(await check(root), ['app/kustomization.yaml']);
    writeFileSync(join(root, 'app', inline), builtin('PatchTransformer', 'path: ../../etc/passwd\n'));
    await assert.rejects(check(root), refused('transformers[0]: inline YAML that is also the name of a file'));
  });
});
