import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Command, Option } from 'commander';
import {
  CLUSTER_FIELDS,
  flag,
  integer,
  oneOf,
  orElse,
  readOptions,
  requiredText,
  shaped,
  text,
  textList,
} from './option-values.js';
import { collect, parsePositiveInt } from './options.js';

test('readOptions: each field typed from what commander parsed, absent flags false, only the schema’s keys', () => {
  const command = new Command('x')
    .exitOverride()
    .option('-f, --file <file>', '', collect)
    .option('--force')
    .option('--name <name>')
    .addOption(new Option('--bits <n>').argParser(parsePositiveInt).default(4096))
    .option('-n, --namespace <ns>')
    .option('--extra <x>');
  command.parse(['-f', 'a', '--file', 'b', '--namespace', 'prod', '--extra', 'dropped'], { from: 'user' });
  const options = readOptions(command.opts(), {
    ...CLUSTER_FIELDS,
    file: textList,
    force: flag,
    name: text,
    bits: integer,
    mode: orElse(oneOf(['fast', 'slow'] as const), 'fast'),
  });
  assert.deepEqual(options, {
    namespace: 'prod',
    kubeconfig: undefined,
    context: undefined,
    file: ['a', 'b'],
    force: false,
    name: undefined,
    bits: 4096,
    mode: 'fast',
  });
});

test('a value of another type than the field says is a definition bug, named by its option key', () => {
  assert.throws(() => readOptions({ file: 3 }, { file: text }), /option file: expected a string/);
  assert.throws(() => readOptions({}, { out: requiredText }), /option out: expected a string/);
  assert.throws(() => readOptions({ force: 'yes' }, { force: flag }), /option force: expected a boolean/);
  assert.throws(() => readOptions({ file: ['a', 1] }, { file: textList }), /a list of strings/);
  assert.throws(() => readOptions({ bits: '4096' }, { bits: integer }), /an integer/);
  assert.throws(() => readOptions({ mode: 'medium' }, { mode: oneOf(['fast', 'slow']) }), /expected fast\|slow/);
  const isPair = (v: unknown): v is { a: string } => typeof (v as { a?: unknown } | null)?.a === 'string';
  assert.deepEqual(readOptions({ p: { a: 'x' } }, { p: shaped(isPair, 'a pair') }), { p: { a: 'x' } });
  assert.throws(() => readOptions({ p: 'x' }, { p: shaped(isPair, 'a pair') }), /expected a pair/);
});
