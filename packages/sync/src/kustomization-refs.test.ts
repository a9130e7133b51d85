import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonValue } from '@gitseal/manifests';
import { kustomizationRefs, pluginConfigRefs, RefKind } from './kustomization-refs.js';
import { refusedKustomization } from './kustomization-refusal.js';

const K = 'apps/kustomization.yaml';

const refsOf = (doc: JsonValue, pluginDirectory = false) =>
  kustomizationRefs(doc, K, { pluginDirectory }).refs.map((r) => `${r.kind} ${r.where} -> ${r.path}`);

const refused = refusedKustomization;

const builtin = (kind: string, rest: Record<string, JsonValue> = {}) =>
  JSON.stringify({ apiVersion: 'builtin', kind, metadata: { name: 'p' }, ...rest });

describe('kustomizationRefs: every field that names a path', () => {
  it('lists resources, bases, components, crds, configurations, patches, replacements, openapi, generators', () => {
    const refs = refsOf({
      resources: ['cm.yaml', '../base'],
      bases: ['../old-base'],
      components: ['../components/c'],
      crds: ['crds/widget.yaml'],
      configurations: ['config/names.yaml'],
      patches: [
        { path: 'p/patch.yaml', target: { kind: 'Deployment' } },
        { patch: '[]', target: { kind: 'X' } },
      ],
      patchesJson6902: [{ path: 'p/json.yaml', target: { kind: 'Service' } }],
      patchesStrategicMerge: ['p/smp.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: inline\n'],
      replacements: [{ path: 'r/repl.yaml' }, { source: { kind: 'X' }, targets: [] }],
      openapi: { path: 'schema.json' },
      configMapGenerator: [{ name: 'c', files: ['a.txt', 'key=../shared/b.txt'], envs: ['c.env'], env: 'd.env' }],
      secretGenerator: [{ name: 's', files: ['tls.crt'], literals: ['k=v'] }],
      generators: ['gen.yaml'],
      transformers: ['../transformers'],
      validators: ['v.yaml'],
    });
    assert.deepEqual(refs, [
      `resource ${K}: resources[0] -> cm.yaml`,
      `resource ${K}: resources[1] -> ../base`,
      `resource ${K}: bases[0] -> ../old-base`,
      `component ${K}: components[0] -> ../components/c`,
      `file ${K}: crds[0] -> crds/widget.yaml`,
      `file ${K}: configurations[0] -> config/names.yaml`,
      `file ${K}: configMapGenerator[0].files[0] -> a.txt`,
      `file ${K}: configMapGenerator[0].files[1] -> ../shared/b.txt`,
      `file ${K}: configMapGenerator[0].envs[0] -> c.env`,
      `file ${K}: configMapGenerator[0].env -> d.env`,
      `file ${K}: secretGenerator[0].files[0] -> tls.crt`,
      `file ${K}: patches[0].path -> p/patch.yaml`,
      `file ${K}: patchesJson6902[0].path -> p/json.yaml`,
      `file ${K}: replacements[0].path -> r/repl.yaml`,
      `file ${K}: openapi.path -> schema.json`,
      `file ${K}: patchesStrategicMerge[0] -> p/smp.yaml`,
      `plugin ${K}: generators[0] -> gen.yaml`,
      `plugin ${K}: transformers[0] -> ../transformers`,
      `plugin ${K}: validators[0] -> v.yaml`,
    ]);
    // Generator sources are never quoted in messages (a literal may sit under files by mistake).
    const unquoted = kustomizationRefs(
      { resources: ['a'], secretGenerator: [{ name: 's', files: ['k=v'], envs: ['e'], env: 'f' }] },
      K,
    ).refs.filter((r) => !r.quote);
    assert.deepEqual(
      unquoted.map((r) => r.where),
      [`${K}: secretGenerator[0].files[0]`, `${K}: secretGenerator[0].envs[0]`, `${K}: secretGenerator[0].env`],
    );
    assert.deepEqual(kustomizationRefs({ resources: [] }, K).refs, []);
    assert.deepEqual(kustomizationRefs(null, K).refs, []);
  });

  it('reads field names without regard to case, as Go does, and refuses what folds onto another name', () => {
    assert.deepEqual(refsOf({ RESOURCES: ['../x'], ConfigMapGenerator: [{ name: 'c', FILES: ['k=../y'] }] }), [
      `resource ${K}: resources[0] -> ../x`,
      `file ${K}: configMapGenerator[0].files[0] -> ../y`,
    ]);
    // Go's encoding/json folds "ſ" (long s) onto "s": reſources is resources to kustomize.
    assert.throws(() => kustomizationRefs({ reſources: ['../x'] }, K), refused(K, 'not plain ASCII'));
    assert.throws(
      () => kustomizationRefs({ resources: [], Resources: ['../x'] }, K),
      refused(K, 'differ only in case'),
    );
    assert.throws(
      () => kustomizationRefs({ configMapGenerator: [{ name: 'c', fiſes: ['../x'] }] }, K),
      refused(`${K}: configMapGenerator[0]`, 'not plain ASCII'),
    );
  });

  it('refuses fields of the wrong shape', () => {
    assert.throws(() => kustomizationRefs({ resources: 'x.yaml' }, K), refused(`${K}: resources: must be a list`));
    assert.throws(() => kustomizationRefs({ resources: [null] }, K), refused(`${K}: resources`));
    assert.throws(
      () => kustomizationRefs({ patches: ['p.yaml'] }, K),
      refused(`${K}: patches: must be a list of mappings`),
    );
    assert.throws(() => kustomizationRefs({ patches: [{ path: 1 }] }, K), refused(`${K}: patches[0].path`));
    assert.throws(() => kustomizationRefs({ openapi: 'schema.json' }, K), refused(`${K}: openapi`));
    assert.throws(() => kustomizationRefs(['resources'], K), refused(K, 'mapping'));
  });

  it('refuses Helm charts outright', () => {
    for (const doc of <JsonValue[]>[
      { helmCharts: [{ name: 'redis', repo: 'https://charts.example' }] },
      { helmGlobals: { chartHome: '../charts' } },
      { helmChartInflationGenerator: [{ chartName: 'x' }] },
    ]) {
      assert.throws(() => kustomizationRefs(doc, K), refused(K, 'Helm charts are not rendered'));
    }
    assert.deepEqual(kustomizationRefs({ helmCharts: [], helmGlobals: null }, K).refs, []);
  });

  it('keeps a kustomization used as a plugin directory to resources, bases and components', () => {
    assert.deepEqual(refsOf({ apiVersion: 'x', kind: 'Kustomization', resources: ['t.yaml'] }, true), [
      `resource ${K}: resources[0] -> t.yaml`,
    ]);
    for (const doc of <JsonValue[]>[{ resources: ['t.yaml'], patches: [{ patch: '[]' }] }, { namePrefix: 'x-' }]) {
      assert.throws(() => kustomizationRefs(doc, K, { pluginDirectory: true }), refused(K, 'plugin directory'));
    }
  });
});

describe('kustomizationRefs: inline entries', () => {
  it('checks inline plugin configs and lists the files they read', () => {
    const content = kustomizationRefs(
      {
        generators: [builtin('ConfigMapGenerator', { files: ['../a.txt'], envs: ['b.env'] })],
        transformers: [
          `apiVersion: builtin\nkind: PatchTransformer\nmetadata:\n  name: t\npath: ../p.yaml\n`,
          builtin('LabelTransformer', { labels: { a: 'b' } }),
        ],
      },
      K,
    );
    assert.deepEqual(
      content.refs.map((r) => `${r.kind} ${r.where} -> ${r.path}`),
      [
        `file ${K}: generators[0]#0: ConfigMapGenerator.files[0] -> ../a.txt`,
        `file ${K}: generators[0]#0: ConfigMapGenerator.envs[0] -> b.env`,
        `file ${K}: transformers[0]#0: PatchTransformer.path -> ../p.yaml`,
      ],
    );
    assert.deepEqual(
      content.inline.map((i) => i.where),
      [`${K}: generators[0]`, `${K}: transformers[0]`, `${K}: transformers[1]`],
    );
  });

  it('refuses inline text kustomize could read as a path (no kind, no name, or a git URL first)', () => {
    for (const entry of [
      'http://127.0.0.1:8080/x.yaml: 1\nkind: ConfigMapGenerator\n',
      'apiVersion: builtin\nkind: ConfigMapGenerator\nliterals: [a=b]\n',
      '{a: b}',
      'git@example.com:org/repo.git: 1\napiVersion: builtin\nkind: LabelTransformer\nmetadata: {name: x}\n',
      '[unclosed\n',
    ]) {
      assert.throws(() => kustomizationRefs({ generators: [entry] }, K), refused(`${K}: generators[0]`), entry);
      assert.throws(() => kustomizationRefs({ patchesStrategicMerge: [entry] }, K), refused(K), entry);
    }
  });
});

describe('pluginConfigRefs', () => {
  it('runs only builtins: KRM functions, exec plugins, unknown kinds and Helm are refused', () => {
    const at = 'apps/gen.yaml#0';
    const fn = (annotation: string) => ({
      apiVersion: 'example.com/v1',
      kind: 'Render',
      metadata: { name: 'f', annotations: { [annotation]: 'container: {image: x}' } },
    });
    assert.throws(() => pluginConfigRefs(fn('config.kubernetes.io/function'), at), refused(at, 'KRM functions'));
    assert.throws(() => pluginConfigRefs(fn('config.k8s.io/function'), at), refused(at, 'KRM functions'));
    assert.throws(
      () =>
        pluginConfigRefs({ apiVersion: 'someteam.example.com/v1', kind: 'ChartInflator', metadata: { name: 'x' } }, at),
      refused(`${at}: ChartInflator is not a builtin`),
    );
    assert.throws(
      () => pluginConfigRefs({ apiVersion: 'v1', kind: 'ConfigMapGenerator', metadata: { name: 'x' } }, at),
      refused(at, 'not a builtin'),
    );
    assert.throws(
      () => pluginConfigRefs({ apiVersion: 'builtin', kind: 'SortOrderTransformerX', metadata: { name: 'x' } }, at),
      refused(at, 'not a builtin'),
    );
    assert.throws(
      () =>
        pluginConfigRefs({ apiVersion: 'builtin', kind: 'HelmChartInflationGenerator', metadata: { name: 'x' } }, at),
      refused(at, 'Helm'),
    );
    assert.throws(() => pluginConfigRefs('kind: X', at), refused(at, 'mapping'));
  });

  it('lists the files of each builtin that reads files', () => {
    const at = 'g.yaml#1';
    const paths = (doc: JsonValue) => pluginConfigRefs(doc, at).map((r) => `${r.where} -> ${r.path}`);
    const b = (kind: string, rest: Record<string, JsonValue>) => JSON.parse(builtin(kind, rest)) as JsonValue;
    assert.deepEqual(paths(b('SecretGenerator', { files: ['k=../../x'], env: 'e.env' })), [
      `${at}: SecretGenerator.files[0] -> ../../x`,
      `${at}: SecretGenerator.env -> e.env`,
    ]);
    assert.deepEqual(paths(b('PatchJson6902Transformer', { path: 'j.yaml' })), [
      `${at}: PatchJson6902Transformer.path -> j.yaml`,
    ]);
    assert.deepEqual(paths(b('PatchStrategicMergeTransformer', { paths: ['s.yaml'] })), [
      `${at}: PatchStrategicMergeTransformer.paths[0] -> s.yaml`,
    ]);
    assert.deepEqual(paths(b('ReplacementTransformer', { replacements: [{ path: 'r.yaml' }] })), [
      `${at}: ReplacementTransformer.replacements[0].path -> r.yaml`,
    ]);
    assert.deepEqual(paths(b('NamespaceTransformer', { namespace: 'x' })), []);
    assert.equal(RefKind.File, 'file');
  });
});
