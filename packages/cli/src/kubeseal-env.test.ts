import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { kubesealEnvFlag, kubesealEnvName } from './kubeseal-env.js';
import { rewriteKubesealArgv } from './kubeseal-argv.js';
import { createProgram } from './program.js';

const saved = { ...process.env };
afterEach(() => {
  for (const key of Object.keys(process.env)) if (key.startsWith('SEALED_SECRETS_')) delete process.env[key];
  Object.assign(process.env, saved);
});

/** Parses a command line and returns the options the command's action would get. */
async function optionsOf(args: string[]): Promise<Record<string, unknown>> {
  const program = createProgram(() => undefined);
  let seen: Record<string, unknown> = {};
  for (const command of program.commands) {
    command.exitOverride();
    command.action((options: Record<string, unknown>) => {
      seen = options;
    });
  }
  program.exitOverride();
  await program.parseAsync(rewriteKubesealArgv(['node', 'gitseal', ...args]));
  return seen;
}

test('names: SEALED_SECRETS_ and the kubeseal flag upper-cased, dashes as underscores', () => {
  assert.equal(kubesealEnvName('controller-namespace'), 'SEALED_SECRETS_CONTROLLER_NAMESPACE');
  assert.equal(kubesealEnvName('secret-file'), 'SEALED_SECRETS_SECRET_FILE');
});

test('SEALED_SECRETS_* set defaults for the kubeseal flags; the command line wins', async () => {
  process.env.SEALED_SECRETS_CONTROLLER_NAMESPACE = 'kube-system';
  process.env.SEALED_SECRETS_CONTROLLER_NAME = 'sealed-secrets-controller';
  process.env.SEALED_SECRETS_CERT = 'cert.pem';
  process.env.SEALED_SECRETS_FORMAT = 'json';
  process.env.SEALED_SECRETS_SCOPE = 'namespace-wide';
  process.env.SEALED_SECRETS_SECRET_FILE = 'in.yaml';
  const seal = await optionsOf([]);
  assert.equal(seal.controllerNamespace, 'kube-system');
  assert.equal(seal.controllerName, 'sealed-secrets-controller');
  assert.equal(seal.cert, 'cert.pem');
  assert.equal(seal.format, 'json');
  assert.equal(seal.scope, 'namespace-wide');
  assert.equal(seal.file, 'in.yaml');
  const overridden = await optionsOf(['--controller-namespace', 'ops', '-o', 'yaml']);
  assert.equal(overridden.controllerNamespace, 'ops');
  assert.equal(overridden.format, 'yaml');
  const validate = await optionsOf(['--validate']);
  assert.equal(validate.controllerNamespace, 'kube-system');
  assert.deepEqual(validate.file, ['in.yaml']);
  process.env.SEALED_SECRETS_FORMAT = 'xml';
  await assert.rejects(optionsOf([]), /value from env 'SEALED_SECRETS_FORMAT' is invalid/);
});

test('kubeseal spellings: --secret-file is --file; --allow-empty-data and its variable (Go booleans)', async () => {
  assert.equal((await optionsOf(['--secret-file', 's.yaml'])).file, 's.yaml');
  assert.equal((await optionsOf(['--secret-file=s.yaml'])).file, 's.yaml');
  assert.equal((await optionsOf(['--allow-empty-data'])).allowEmptyData, true);
  assert.equal(kubesealEnvFlag('allow-empty-data', { SEALED_SECRETS_ALLOW_EMPTY_DATA: 'true' }), true);
  assert.equal(kubesealEnvFlag('allow-empty-data', { SEALED_SECRETS_ALLOW_EMPTY_DATA: '1' }), true);
  assert.equal(kubesealEnvFlag('allow-empty-data', { SEALED_SECRETS_ALLOW_EMPTY_DATA: 'false' }), false);
  assert.equal(kubesealEnvFlag('allow-empty-data', {}), false);
});
