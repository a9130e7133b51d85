import assert from 'node:assert/strict';
import { test } from 'node:test';
import { load } from 'js-yaml';
import { KUBE_YAML_SCHEMA, resolveGoYamlNumber } from './kube-yaml-schema.js';

test('resolveGoYamlNumber follows go-yaml v2 for integers', () => {
  assert.equal(resolveGoYamlNumber('0644'), 420);
  assert.equal(resolveGoYamlNumber('0o17'), 15);
  assert.equal(resolveGoYamlNumber('0x1F'), 31);
  assert.equal(resolveGoYamlNumber('0x_1F'), 31);
  assert.equal(resolveGoYamlNumber('0b101'), 5);
  assert.equal(resolveGoYamlNumber('-0b101'), -5);
  assert.equal(resolveGoYamlNumber('1_000'), 1000);
  assert.equal(resolveGoYamlNumber('+12'), 12);
  assert.equal(resolveGoYamlNumber('-7'), -7);
  assert.equal(resolveGoYamlNumber('0'), 0);
});

test('resolveGoYamlNumber follows go-yaml v2 for floats and specials', () => {
  assert.equal(resolveGoYamlNumber('09'), 9); // not octal: falls through to a decimal float
  assert.equal(resolveGoYamlNumber('1e3'), 1000);
  assert.equal(resolveGoYamlNumber('0.5e+3'), 500);
  assert.equal(resolveGoYamlNumber('1_0.5'), 10.5);
  assert.equal(resolveGoYamlNumber('.5'), 0.5);
  assert.equal(resolveGoYamlNumber('1.'), 1);
  assert.equal(resolveGoYamlNumber('.inf'), Infinity);
  assert.equal(resolveGoYamlNumber('-.Inf'), -Infinity);
  assert.ok(Number.isNaN(resolveGoYamlNumber('.NaN')));
});

test('resolveGoYamlNumber leaves what go-yaml keeps as strings', () => {
  for (const text of ['1:30', '12:30:00', '2001-12-14', 'abc', '1e400', '0x', '.iNf', '-', '1.2.3', 'e3', '0o8', '']) {
    assert.equal(resolveGoYamlNumber(text), undefined, text);
  }
});

test('KUBE_YAML_SCHEMA reads YAML 1.1 scalars as kubectl does', () => {
  const doc = load(
    [
      'a: [yes, No, on, OFF, y, n, tRue, ~, null]',
      'mode: 0644',
      'time: 1:30',
      'date: 2001-12-14',
      'bin: !!binary aGVsbG8=',
      'set: !!set {x, z}',
      'base: &b {p: 1, q: 2}',
      'merged: {<<: *b, q: 3}',
    ].join('\n'),
    { schema: KUBE_YAML_SCHEMA },
  );
  assert.deepEqual(doc, {
    a: [true, false, true, false, true, false, 'tRue', null, null],
    mode: 420,
    time: '1:30',
    date: '2001-12-14',
    bin: 'hello',
    set: { x: null, z: null },
    base: { p: 1, q: 2 },
    merged: { p: 1, q: 3 },
  });
});
