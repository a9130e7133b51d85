import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ControllerError } from './controller-error.js';
import { createProgram, parseFlags, type ControllerOptions } from './flags.js';

async function parse(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ControllerOptions> {
  const saved = process.env.KUBECONFIG;
  if (env.KUBECONFIG === undefined) delete process.env.KUBECONFIG;
  else process.env.KUBECONFIG = env.KUBECONFIG;
  try {
    let seen: ControllerOptions | undefined;
    const program = createProgram('0.0.0', async (options) => {
      seen = options;
    }).exitOverride();
    await program.parseAsync(['node', 'gitseal-controller', ...args]);
    assert.ok(seen);
    return seen;
  } finally {
    if (saved === undefined) delete process.env.KUBECONFIG;
    else process.env.KUBECONFIG = saved;
  }
}

test('defaults', async () => {
  const o = await parse([]);
  assert.equal(o.kubeconfig, undefined);
  assert.equal(o.namespace, 'gitseal-system');
  assert.deepEqual(o.namespaces, []);
  assert.deepEqual(o.listenAddress, { host: '', port: 8080 });
  assert.deepEqual(o.metricsAddress, { host: '', port: 8081 });
  assert.equal(o.keyRenewPeriodMs, 720 * 3_600_000);
  assert.equal(o.keySize, 4096);
  assert.equal(o.leaderElect, true);
  assert.deepEqual(o.leaderElection, { leaseDurationSeconds: 15, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 });
  assert.equal(o.bitnamiCompat, false);
  assert.equal(o.shards, 'off', 'sharding is off unless asked for');
  assert.equal(o.logLevel, 'info');
  assert.deepEqual(o.tenancy, {
    defaultServiceAccount: undefined,
    allowedServiceAccounts: [],
    crossNamespaceRefs: false,
  });
});

test('tenancy flags', async () => {
  const o = await parse([
    '--default-service-account',
    'gitsync',
    '--allowed-service-accounts',
    'gitsync, deployer,gitsync',
    '--cross-namespace-refs',
  ]);
  assert.deepEqual(o.tenancy, {
    defaultServiceAccount: 'gitsync',
    allowedServiceAccounts: ['gitsync', 'deployer'],
    crossNamespaceRefs: true,
  });
  assert.equal((await parse(['--no-cross-namespace-refs'])).tenancy.crossNamespaceRefs, false);
  await assert.rejects(parse(['--default-service-account', 'Bad_Name']), /--default-service-account: "Bad_Name"/);
  await assert.rejects(
    parse(['--default-service-account', 'x', '--allowed-service-accounts', 'y']),
    /"x" is not in --allowed-service-accounts/,
  );
});

test('every flag is read', async () => {
  const o = await parse([
    '--kubeconfig',
    '/tmp/kc',
    '--namespace',
    'keys',
    '--namespaces',
    'a, b,a',
    '--listen-address',
    '127.0.0.1:0',
    '--metrics-address',
    '[::1]:9090',
    '--key-renew-period',
    '1h30m',
    '--key-size',
    '2048',
    '--no-leader-elect',
    '--leader-elect-lease-duration',
    '3s',
    '--leader-elect-renew-deadline',
    '2s',
    '--leader-elect-retry-period',
    '250ms',
    '--bitnami-compat',
    '--log-level',
    'debug',
  ]);
  assert.equal(o.kubeconfig, '/tmp/kc');
  assert.equal(o.namespace, 'keys');
  assert.deepEqual(o.namespaces, ['a', 'b']);
  assert.deepEqual(o.listenAddress, { host: '127.0.0.1', port: 0 });
  assert.deepEqual(o.metricsAddress, { host: '::1', port: 9090 });
  assert.equal(o.keyRenewPeriodMs, 5_400_000);
  assert.equal(o.keySize, 2048);
  assert.equal(o.leaderElect, false);
  assert.deepEqual(o.leaderElection, { leaseDurationSeconds: 3, renewDeadlineMs: 2_000, retryPeriodMs: 250 });
  assert.equal(o.bitnamiCompat, true);
  assert.equal(o.logLevel, 'debug');
});

test('KUBECONFIG is the fallback for --kubeconfig', async () => {
  assert.equal((await parse([], { KUBECONFIG: '/env/kc' })).kubeconfig, '/env/kc');
  assert.equal((await parse(['--kubeconfig', '/flag'], { KUBECONFIG: '/env/kc' })).kubeconfig, '/flag');
});

test('--key-renew-period 0 disables renewal', async () => {
  assert.equal((await parse(['--key-renew-period', '0'])).keyRenewPeriodMs, 0);
});

test('bad values are refused with a coded error', () => {
  const base = {
    namespace: 'gitseal-system',
    listenAddress: ':8080',
    metricsAddress: ':8081',
    keyRenewPeriod: '720h',
    keySize: '4096',
    logLevel: 'info',
    workers: '4',
    resyncPeriod: '10m',
    leaderElectLeaseDuration: '15s',
    leaderElectRenewDeadline: '10s',
    leaderElectRetryPeriod: '2s',
    gitMaxSize: '256Mi',
  };
  assert.doesNotThrow(() => parseFlags(base, {}));
  assert.equal(parseFlags(base, {}).gitMaxBytes, 256 * 1024 * 1024);
  assert.equal(parseFlags({ ...base, gitMaxSize: '2Gi' }, {}).gitMaxBytes, 2 * 1024 ** 3);
  for (const bad of [
    { gitMaxSize: '10Ki' },
    { gitMaxSize: '256MB' },
    { gitMaxSize: '-1' },
    { keySize: '1024' },
    { keySize: 'big' },
    { keyRenewPeriod: '30d' },
    { listenAddress: '8080' },
    { metricsAddress: ':99999' },
    { namespace: 'Bad_NS' },
    { namespaces: 'ok,Not OK' },
    { logLevel: 'loud' },
    { workers: '0' },
    { leaderElectLeaseDuration: '1500ms' },
    { leaderElectLeaseDuration: '0' },
    { leaderElectRenewDeadline: '15s' },
    { leaderElectRetryPeriod: '10s' },
    { leaderElectRetryPeriod: '0' },
    { leaderElectRenewDeadline: 'soon' },
    { shards: 'on' },
    { shards: 'auto', leaderElect: false },
  ]) {
    assert.throws(() => parseFlags({ ...base, ...bad }, {}), ControllerError, JSON.stringify(bad));
  }
});

test('--shards auto is read, and needs leader election', async () => {
  assert.equal((await parse(['--shards', 'auto'])).shards, 'auto');
  assert.equal((await parse(['--shards', 'off', '--no-leader-elect'])).shards, 'off');
  await assert.rejects(parse(['--shards', 'auto', '--no-leader-elect']), /--shards auto needs --leader-elect/);
});

test('notifications: on by default, https only, and a link pattern is checked at start', async () => {
  assert.deepEqual((await parse([])).notifications, { enabled: true, linkPattern: undefined, allowHttp: false });
  const set = await parse([
    '--no-notifications',
    '--notification-allow-http',
    '--notification-link',
    'https://gitseal.example/{kind}/{namespace}/{name}',
  ]);
  assert.deepEqual(set.notifications, {
    enabled: false,
    linkPattern: 'https://gitseal.example/{kind}/{namespace}/{name}',
    allowHttp: true,
  });
  await assert.rejects(
    parse(['--notification-link', 'https://x.example/{nme}']),
    /--notification-link: unknown placeholder \{nme\}/,
  );
  await assert.rejects(parse(['--notification-link', 'ftp://x.example/']), /--notification-link: not an http\(s\) URL/);
});

test('--render-workers: render worker processes alive at most, default 2', async () => {
  assert.equal((await parse([])).renderWorkers, 2);
  assert.equal((await parse(['--render-workers', '1'])).renderWorkers, 1);
  await assert.rejects(parse(['--render-workers', '0']), /--render-workers/);
});
