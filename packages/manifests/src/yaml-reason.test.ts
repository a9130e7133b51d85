import assert from 'node:assert/strict';
import { test } from 'node:test';
import { positionOf, safeYamlReason } from './yaml-reason.js';

test('safeYamlReason keeps the words and replaces quoted input', () => {
  assert.equal(safeYamlReason('unknown scalar tag !<!hunter2>'), 'unknown scalar tag !<…>');
  assert.equal(safeYamlReason('unidentified alias "hunter2"'), 'unidentified alias "…"');
  assert.equal(safeYamlReason("bad 'hunter2' here"), "bad '…' here");
  assert.equal(
    safeYamlReason('tag name cannot contain such characters: hunter2'),
    'tag name cannot contain such characters: …',
  );
  assert.equal(
    safeYamlReason('recursive alias "hunter2" is not supported for tag x:hunter2 because it uses finalize()'),
    'recursive alias "…" is not supported for tag … because it uses finalize()',
  );
  assert.equal(safeYamlReason('duplicated mapping key\n 1 | a: hunter2'), 'duplicated mapping key');
  assert.equal(safeYamlReason('nesting exceeded maxDepth (10)'), 'nesting exceeded maxDepth (10)');
  assert.equal(safeYamlReason(''), 'syntax error');
  assert.ok(safeYamlReason('x'.repeat(1000)).length <= 201);
});

test('positionOf counts lines and columns from 1', () => {
  assert.equal(positionOf('ab\ncd', 0), 'line 1, column 1');
  assert.equal(positionOf('ab\ncd', 4), 'line 2, column 2');
});
