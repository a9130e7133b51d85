import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseManifests } from './parse-manifests.js';

// kubectl is the oracle for YAML 1.1 semantics. `kubectl create --dry-run=client` needs a server for its REST
// mapping; `annotate --local` runs the same reader offline. Removing an absent annotation is a no-op apart from
// an empty `annotations: {}`, which is dropped below.
function kubectlRead(file: string): unknown[] {
  const out = execFileSync('kubectl', ['annotate', '--local', '-o', 'json', '-f', file, 'gitseal-oracle-'], {
    encoding: 'utf8',
    timeout: 30_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Several objects come back as concatenated JSON documents.
  const objects: unknown[] = [];
  let depth = 0;
  let start = 0;
  let inString = false;
  for (let i = 0; i < out.length; i += 1) {
    const ch = out[i];
    if (inString) {
      if (ch === '\\') i += 1;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{') depth += depth === 0 ? ((start = i), 1) : 1;
    else if (ch === '}' && --depth === 0) objects.push(JSON.parse(out.slice(start, i + 1)));
  }
  for (const object of objects as Array<{ metadata?: { annotations?: object } }>) {
    if (object.metadata?.annotations && Object.keys(object.metadata.annotations).length === 0) {
      delete object.metadata.annotations;
    }
  }
  return objects;
}

const TRICKY = `# YAML 1.1 corners that differ between parsers
apiVersion: example.com/v1
kind: Thing
metadata:
  name: tricky
  labels: {y: "yes"}
spec:
  booleans: [y, n, Y, yes, NO, on, Off, True, tRue]
  numbers: [0644, 0o17, 017, 0b11, 1_000, 0x1F, 09, 1e3, 3.0, +12, 0.5e+3, 1_0.5]
  strings: [1:30, 12:30:00, 2001-12-14, 2001-12-14t21:59:43.10-05:00, "0644", '1e3']
  nulls: [~, null, Null, NULL, "", '']
  binary: !!binary aGVsbG8=
  set: !!set {a, b}
  base: &base {x: 1, w: 2}
  merged:
    <<: [*base, {z: 3, x: 9}]
    w: 5
  explicit: !!str 12
---
---
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: a}
  data: {k: "1_000"}
- apiVersion: v1
  kind: Pod
  metadata: {name: p}
  spec:
    enableServiceLinks: yes
    volumes:
    - name: v
      secret: {secretName: s, defaultMode: 0644}
`;

test('parseManifests agrees with kubectl on YAML 1.1 corners', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gitseal-oracle-'));
  try {
    const file = join(dir, 'tricky.yaml');
    writeFileSync(file, TRICKY);
    const expected = kubectlRead(file);
    const actual = parseManifests(TRICKY, { source: 'tricky.yaml' }).map((m) => m.object);
    assert.equal(expected.length, 3);
    assert.deepEqual(actual, expected);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
