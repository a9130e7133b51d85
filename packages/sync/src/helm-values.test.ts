import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeValues, parseValues } from './helm-values.js';
import { SyncError } from './sync-error.js';

test('values merge as Helm merges them: maps key by key, lists and scalars replaced, null removes', () => {
  const merged = mergeValues(
    { image: { repository: 'web', tag: '1' }, hosts: ['a', 'b'], debug: true, keep: 1 },
    { image: { tag: '2' }, hosts: ['c'], debug: null },
  );
  assert.deepEqual(merged, { image: { repository: 'web', tag: '2' }, hosts: ['c'], keep: 1 });
});

test('valuesFrom YAML must be a mapping; an error names the entry and never its content', () => {
  assert.deepEqual(parseValues('a: 1\nb: [x]\n', 'w'), { a: 1, b: ['x'] });
  assert.deepEqual(parseValues('', 'w'), {});
  assert.throws(
    () => parseValues('- hunter2-list', 'spec.helm.valuesFrom[0]: Secret ns/s key values.yaml'),
    (e: unknown) =>
      e instanceof SyncError &&
      /valuesFrom\[0\].*must be a YAML mapping/.test(e.message) &&
      !e.message.includes('hunter2'),
  );
  assert.throws(
    () => parseValues('a: [unclosed hunter2', 'where'),
    (e: unknown) => e instanceof SyncError && e.message === 'where: not valid YAML',
  );
});
