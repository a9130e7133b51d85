import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rewriteKubesealArgv } from './kubeseal-argv.js';

const run = (...args: string[]): string[] => rewriteKubesealArgv(['node', 'gitseal', ...args]).slice(2);

test('a gitseal subcommand is left alone', () => {
  assert.deepEqual(run('unseal', '-f', 'x.yaml'), ['unseal', '-f', 'x.yaml']);
  assert.deepEqual(run('seal', '--raw'), ['seal', '--raw']);
  assert.deepEqual(run('sync', 'list', '-A'), ['sync', 'list', '-A']);
  assert.deepEqual(run('diff', '--path', 'app'), ['diff', '--path', 'app']);
});

test('no subcommand means seal', () => {
  assert.deepEqual(run(), ['seal']);
  assert.deepEqual(run('--cert', 'c.pem', '-o', 'json'), ['seal', '--cert', 'c.pem', '-o', 'json']);
});

test('kubeseal mode flags become subcommands', () => {
  assert.deepEqual(run('--recovery-unseal', '--recovery-private-key', 'k.pem'), ['unseal', '--private-key', 'k.pem']);
  assert.deepEqual(run('--cert', 'c', '--re-encrypt'), ['reencrypt', '--cert', 'c']);
  assert.deepEqual(run('--fetch-cert'), ['cert']);
  assert.deepEqual(run('--validate', '-f', 'x'), ['validate', '-f', 'x']);
});

test('--recovery-private-key=FILE is renamed too', () => {
  assert.deepEqual(run('--recovery-unseal', '--recovery-private-key=a.pem'), ['unseal', '--private-key=a.pem']);
});

test('a second mode flag stays so commander rejects it', () => {
  assert.deepEqual(run('--recovery-unseal', '--re-encrypt'), ['unseal', '--re-encrypt']);
});

test('help and version alone stay program-level', () => {
  assert.deepEqual(run('--help'), ['--help']);
  assert.deepEqual(run('--version'), ['--version']);
});

test('arguments after -- are not rewritten', () => {
  assert.deepEqual(run('unseal', '--', '--recovery-private-key'), ['unseal', '--', '--recovery-private-key']);
});
