import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { currentNamespace, loadKubeConfig, resolveKubeConfig } from './kube-config.js';
import { KubeError, KubeErrorCode } from './kube-error.js';

const SAVED = { KUBECONFIG: process.env.KUBECONFIG, HOST: process.env.KUBERNETES_SERVICE_HOST };
const PORT = process.env.KUBERNETES_SERVICE_PORT;
let dir = '';
let emptyHome = '';

function kubeconfig(server: string, namespace?: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters: [{name: c, cluster: {server: "' + server + '"}}]',
    'users: [{name: u, user: {token: "tok-secret-123"}}]',
    `contexts: [{name: x, context: {cluster: c, user: u${namespace === undefined ? '' : `, namespace: ${namespace}`}}}]`,
    'current-context: x',
    '',
  ].join('\n');
}

function writeConfig(name: string, content: string): string {
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
}

function expectKubeError(fn: () => unknown, code: string): KubeError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof KubeError);
    assert.equal(err.code, code);
    return err;
  }
  assert.fail('expected a KubeError');
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gitseal-kubeconfig-'));
  emptyHome = join(dir, 'home');
  mkdirSync(emptyHome);
  delete process.env.KUBECONFIG;
  delete process.env.KUBERNETES_SERVICE_HOST;
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  for (const [name, value] of [
    ['KUBECONFIG', SAVED.KUBECONFIG],
    ['KUBERNETES_SERVICE_HOST', SAVED.HOST],
    ['KUBERNETES_SERVICE_PORT', PORT],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

test('an explicit path wins over KUBECONFIG', () => {
  process.env.KUBECONFIG = writeConfig('env.yaml', kubeconfig('https://env.example:6443'));
  const explicit = writeConfig('explicit.yaml', kubeconfig('https://explicit.example:6443', 'team-a'));
  const { kubeConfig, source } = resolveKubeConfig({ kubeconfig: explicit, homeDir: emptyHome });
  assert.equal(source, 'explicit');
  assert.equal(kubeConfig.getCurrentCluster()?.server, 'https://explicit.example:6443');
  assert.equal(currentNamespace(kubeConfig), 'team-a');
});

test('KUBECONFIG is used next, skipping missing entries', () => {
  const file = writeConfig('env.yaml', kubeconfig('https://env.example:6443'));
  process.env.KUBECONFIG = [join(dir, 'missing.yaml'), file].join(delimiter);
  const { kubeConfig, source } = resolveKubeConfig({ homeDir: emptyHome });
  assert.equal(source, 'KUBECONFIG');
  assert.equal(kubeConfig.getCurrentCluster()?.server, 'https://env.example:6443');
  assert.equal(currentNamespace(kubeConfig), 'default');
});

test('in-cluster config comes before ~/.kube/config', () => {
  const prefix = join(dir, 'root');
  const saDir = join(prefix, 'var/run/secrets/kubernetes.io/serviceaccount');
  mkdirSync(saDir, { recursive: true });
  writeFileSync(join(saDir, 'token'), 'sa-token');
  writeFileSync(join(saDir, 'namespace'), 'gitseal-system');
  const home = join(dir, 'home2');
  mkdirSync(join(home, '.kube'), { recursive: true });
  writeFileSync(join(home, '.kube', 'config'), kubeconfig('https://home.example:6443'));
  process.env.KUBERNETES_SERVICE_HOST = '10.0.0.1';
  process.env.KUBERNETES_SERVICE_PORT = '443';
  const inCluster = resolveKubeConfig({ homeDir: home, inClusterPathPrefix: prefix });
  assert.equal(inCluster.source, 'in-cluster');
  assert.equal(inCluster.kubeConfig.getCurrentCluster()?.server, 'https://10.0.0.1:443');
  assert.equal(currentNamespace(inCluster.kubeConfig), 'gitseal-system');
  delete process.env.KUBERNETES_SERVICE_HOST;
  const fromHome = resolveKubeConfig({ homeDir: home, inClusterPathPrefix: prefix });
  assert.equal(fromHome.source, 'home');
  assert.equal(fromHome.kubeConfig.getCurrentCluster()?.server, 'https://home.example:6443');
});

test('no config anywhere is a clear CONFIG_NOT_FOUND', () => {
  const err = expectKubeError(
    () => loadKubeConfig({ homeDir: emptyHome, inClusterPathPrefix: dir }),
    KubeErrorCode.ConfigNotFound,
  );
  assert.match(err.message, /no kubeconfig/);
  expectKubeError(() => loadKubeConfig({ kubeconfig: join(dir, 'nope.yaml') }), KubeErrorCode.ConfigNotFound);
});

test('an unparsable file is CONFIG_INVALID and its content is not echoed', () => {
  const file = writeConfig('broken.yaml', 'users: [{name: u, user: {token: "tok-secret-123"}\n  : : ][');
  const err = expectKubeError(() => loadKubeConfig({ kubeconfig: file }), KubeErrorCode.ConfigInvalid);
  assert.ok(!err.message.includes('tok-secret-123'), err.message);
  assert.ok(err.message.includes(file));
});

test('a config without a current context is CONFIG_INVALID', () => {
  const file = writeConfig('nocontext.yaml', 'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n');
  expectKubeError(() => loadKubeConfig({ kubeconfig: file }), KubeErrorCode.ConfigInvalid);
});
