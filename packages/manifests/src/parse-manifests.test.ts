import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManifestError, ManifestErrorCode } from './errors.js';
import { loadDocuments, parseManifests } from './parse-manifests.js';

const cm = (name: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;

function assertManifestError(fn: () => unknown, code: ManifestErrorCode, pattern: RegExp): ManifestError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof ManifestError, `expected a ManifestError, got ${String(caught)}`);
  assert.equal(caught.code, code);
  assert.match(caught.message, pattern);
  assert.ok(!caught.message.includes('\n'), 'message is one line');
  return caught;
}

test('reads multi-document YAML, drops empty documents and keeps document indexes', () => {
  const text = `${cm('a')}---\n---\n# only a comment\n---\n${cm('b')}...\n`;
  const manifests = parseManifests(text, { source: 'app.yaml' });
  assert.deepEqual(
    manifests.map((m) => [m.object.metadata?.name, m.index, m.source]),
    [
      ['a', 0, 'app.yaml'],
      ['b', 3, 'app.yaml'],
    ],
  );
});

test('expands List and *List documents into their items', () => {
  const text = `${cm('first')}---
apiVersion: v1
kind: List
items:
- ${cm('x').trimEnd().replaceAll('\n', '\n  ')}
- ${cm('z').trimEnd().replaceAll('\n', '\n  ')}
---
apiVersion: v1
kind: ConfigMapList
items: []
`;
  const manifests = parseManifests(text, { source: 'l.yaml' });
  assert.deepEqual(
    manifests.map((m) => [m.object.metadata?.name, m.index, m.item]),
    [
      ['first', 0, undefined],
      ['x', 1, 0],
      ['z', 1, 1],
    ],
  );
});

test('reads JSON, a single object or a List', () => {
  const one = parseManifests('{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"j"},"data":{"on":"yes"}}', {
    source: 'j.json',
  });
  assert.deepEqual(one[0]?.object, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'j' },
    data: { on: 'yes' },
  });
  const list = parseManifests(
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } }],
    }),
    { source: 'l.json' },
  );
  assert.equal(list.length, 1);
  assert.equal(list[0]?.object.kind, 'Secret');
  assert.equal(list[0]?.item, 0);
});

test('applies YAML 1.1 semantics: octal modes, yes/on booleans, merge keys', () => {
  const [m] = parseManifests(
    `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  hostNetwork: on
  volumes:
  - &vol
    name: a
    secret: {secretName: s, defaultMode: 0644, optional: yes}
  - <<: *vol
    name: b
`,
    { source: 'p.yaml' },
  );
  const spec = m?.object['spec'] as { hostNetwork: unknown; volumes: Array<Record<string, unknown>> };
  assert.equal(spec.hostNetwork, true);
  assert.deepEqual(spec.volumes[0], { name: 'a', secret: { secretName: 's', defaultMode: 420, optional: true } });
  assert.deepEqual(spec.volumes[1], { name: 'b', secret: { secretName: 's', defaultMode: 420, optional: true } });
  // Aliased nodes are copied: changing one must not change the other.
  (spec.volumes[1]?.['secret'] as Record<string, unknown>)['secretName'] = 'changed';
  assert.equal((spec.volumes[0]?.['secret'] as Record<string, unknown>)['secretName'], 's');
});

test('a scalar or sequence document is an error naming the file and document', () => {
  assertManifestError(
    () => parseManifests(`${cm('a')}---\njust a string\n`, { source: 'bad.yaml' }),
    ManifestErrorCode.NotAnObject,
    /^bad\.yaml document 1: expected a Kubernetes object, got a string$/,
  );
  assertManifestError(
    () => parseManifests('- a\n- b\n', { source: 'seq.yaml' }),
    ManifestErrorCode.NotAnObject,
    /^seq\.yaml document 0: .*got a sequence$/,
  );
  assertManifestError(
    () => parseManifests('apiVersion: v1\nitems: []\n', { source: 'k.yaml' }),
    ManifestErrorCode.InvalidObject,
    /^k\.yaml document 0: kind is missing/,
  );
  assertManifestError(
    () => parseManifests('apiVersion: v1\nkind: List\nitems: [3]\n', { source: 'i.yaml' }),
    ManifestErrorCode.NotAnObject,
    /^i\.yaml document 0 item 0: .*got a number$/,
  );
});

test('YAML syntax errors give the position but never echo the input', () => {
  const text = 'apiVersion: v1\nkind: Secret\nstringData:\n  password: hunter2-very-secret\n  bad: [unclosed\n';
  const error = assertManifestError(
    () => parseManifests(text, { source: 's.yaml' }),
    ManifestErrorCode.InvalidYaml,
    /^s\.yaml: invalid YAML at line \d+, column \d+: /,
  );
  assert.ok(!error.message.includes('hunter2'));
  const dup = assertManifestError(
    () => parseManifests('a: 1\nb: 2\na: secret-value\n', { source: 'd.yaml' }),
    ManifestErrorCode.InvalidYaml,
    /^d\.yaml: invalid YAML at line 3, column 1: duplicated mapping key$/,
  );
  assert.ok(!dup.message.includes('secret-value'));
});

test('caps the input size and the number of documents', () => {
  assertManifestError(
    () => parseManifests(cm('a'), { source: 'big.yaml', maxBytes: 10 }),
    ManifestErrorCode.TooLarge,
    /^big\.yaml: larger than 10 bytes$/,
  );
  const three = [cm('a'), cm('b'), cm('c')].join('---\n');
  assert.equal(parseManifests(three, { source: 'n.yaml', maxDocuments: 3 }).length, 3);
  assertManifestError(
    () => parseManifests(three, { source: 'n.yaml', maxDocuments: 2 }),
    ManifestErrorCode.TooManyDocuments,
    /^n\.yaml: more than 2 documents$/,
  );
  const list = `apiVersion: v1\nkind: List\nitems:\n${[1, 2, 3].map((i) => `- {apiVersion: v1, kind: ConfigMap, metadata: {name: c${i}}}`).join('\n')}\n`;
  assertManifestError(
    () => parseManifests(list, { source: 'list.yaml', maxDocuments: 2 }),
    ManifestErrorCode.TooManyDocuments,
    /^list\.yaml: more than 2 objects$/,
  );
});

function billionLaughs(levels: number): string {
  const lines = ['apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: lol}', 'data:', '  a0: &a0 "lol"'];
  for (let i = 1; i <= levels; i += 1) {
    lines.push(`  a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]`);
  }
  return `${lines.join('\n')}\n`;
}

test('an alias bomb fails fast with a clear error', () => {
  const started = process.hrtime.bigint();
  const before = process.memoryUsage().heapUsed;
  assertManifestError(
    () => parseManifests(billionLaughs(9), { source: 'bomb.yaml' }),
    ManifestErrorCode.AliasLimit,
    /^bomb\.yaml: aliases expand to more than 100000 nodes$/,
  );
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  assert.ok(elapsedMs < 1000, `took ${elapsedMs} ms`);
  assert.ok(process.memoryUsage().heapUsed - before < 64 * 1024 * 1024, 'memory stayed bounded');
  // The same shape below the budget is accepted and fully expanded.
  const [small] = parseManifests(billionLaughs(3), { source: 'ok.yaml' });
  const data = small?.object['data'] as Record<string, unknown>;
  assert.equal(JSON.stringify(data['a3']).split('lol').length - 1, 1000);
});

test('caps the number of aliases and expansion depth, and refuses self-references', () => {
  const aliases = `a: &x 1\nb: [${Array.from({ length: 6 }, () => '*x').join(', ')}]\n`;
  assert.equal(loadDocuments(aliases, { source: 'a.yaml', maxAliases: 6 }).length, 1);
  assertManifestError(
    () => loadDocuments(aliases, { source: 'a.yaml', maxAliases: 5 }),
    ManifestErrorCode.AliasLimit,
    /^a\.yaml: more than 5 aliases$/,
  );
  assertManifestError(
    () => loadDocuments('a: &x [[[[1]]]]\nb: [[[[*x]]]]\n', { source: 'deep.yaml', maxDepth: 8 }),
    ManifestErrorCode.AliasLimit,
    /^deep\.yaml: aliases nest deeper than 8 levels$/,
  );
  assertManifestError(
    () => loadDocuments('a: &x [1, *x]\n', { source: 'cycle.yaml' }),
    ManifestErrorCode.AliasLimit,
    /^cycle\.yaml: alias at line 1, column 11 refers to its own enclosing node$/,
  );
});

test('YAML errors never quote tag, alias or anchor names, which may be secret values', () => {
  const secret = 'hunter2-sekrit';
  const cases: [string, RegExp][] = [
    [`stringData: {password: !${secret}}\n`, /at line 1, column 24: unknown scalar tag !<…>$/],
    [`stringData: {password: *${secret}}\n`, /at line 1, column \d+: unidentified alias "…"$/],
    [`stringData:\n  password: !<tag:${secret}> x\n`, /unknown scalar tag !<…>$/],
    [`stringData: !${secret}\n  - a\n`, /unknown (sequence|mapping) tag !<…>$/],
    [`%TAG !s! tag:${secret}:\n---\na: !s!x y\n`, /unknown scalar tag !<…>$/],
    [`a: !q!${secret} x\n`, /undeclared tag handle "…"$/],
    [`a: !!binary ${secret}*\n`, /cannot resolve a node with !<…> explicit tag$/],
    [`stringData: &${secret} {password: [*${secret}]}\n`, /alias at line 1, column 41 refers to its own/],
  ];
  for (const [text, pattern] of cases) {
    let caught: unknown;
    try {
      loadDocuments(text, { source: 'leak.yaml' });
    } catch (error) {
      caught = error;
    }
    assert.ok(caught instanceof ManifestError, `expected a ManifestError for ${JSON.stringify(text)}`);
    assert.match(caught.message, pattern);
    assert.ok(!caught.message.includes('hunter2'), `leaks: ${caught.message}`);
  }
});

test('caps nesting depth for YAML and JSON', () => {
  assertManifestError(
    () => loadDocuments(`${'['.repeat(20)}${']'.repeat(20)}`, { source: 'y.yaml', maxDepth: 10 }),
    ManifestErrorCode.InvalidYaml,
    /^y\.yaml: invalid YAML at .*nesting exceeded maxDepth \(10\)$/,
  );
  assertManifestError(
    () => loadDocuments(`{"a":${'['.repeat(20)}${']'.repeat(20)}}`, { source: 'j.json', maxDepth: 10 }),
    ManifestErrorCode.TooDeep,
    /^j\.json document 0: nesting deeper than 10 levels$/,
  );
});

test('refuses .inf and .nan as kubectl does', () => {
  assertManifestError(
    () => parseManifests('apiVersion: v1\nkind: X\nspec: {v: .inf}\n', { source: 'f.yaml' }),
    ManifestErrorCode.InvalidObject,
    /^f\.yaml document 0: \.inf and \.nan are not valid in JSON$/,
  );
});

test('JSON with a key given twice is refused like YAML (JSON.parse would keep the last: a namespace moved)', () => {
  const text =
    '{"apiVersion": "v1", "kind": "Secret",\n "metadata": {"name": "db", "namespace": "apps",\n' +
    '  "namespace": "kube-system"}, "stringData": {"password": "hunter2-secret"}}';
  const error = assertManifestError(
    () => parseManifests(text, { source: 'd.json' }),
    ManifestErrorCode.InvalidJson,
    /^d\.json: invalid JSON at line 3, column 3: duplicated mapping key$/,
  );
  assert.ok(!error.message.includes('kube-system') && !error.message.includes('hunter2'));
  // Also inside List items, after escapes, and in data; the same key in sibling objects is fine.
  assertManifestError(
    () => parseManifests('{"kind":"List","apiVersion":"v1","items":[{"a":1},{"b":1,"\\u0062":2}]}', { source: 'l' }),
    ManifestErrorCode.InvalidJson,
    /^l: invalid JSON at line 1, column 58: duplicated mapping key$/,
  );
  const ok =
    '{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"A"},{"apiVersion":"v1","kind":"B"}]}';
  assert.equal(parseManifests(ok, { source: 'ok' }).length, 2);
});
