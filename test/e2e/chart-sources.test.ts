// Chart sources against real servers on loopback: a Helm repository (a static HTTPS file server holding `helm
// package` output and `helm repo index`, with basic auth) and the CNCF distribution registry (charts pushed with
// `helm push`, with htpasswd auth and without). The library (@gitseal/sync resolveChart, fetchChart,
// vendorDependencies) is called directly; `helm template` checks that vendored dependencies render.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { createServer as createNetServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  chartSourceCacheDir,
  fetchChart,
  resolveChart,
  SyncError,
  vendorDependencies,
  type ChartFetchOptions,
  type ChartSourceSpec,
} from '@gitseal/sync';
import { findFreePort } from '../cluster/free-port.js';
import { resolveHelmBinary } from '../cluster/helm-binary.js';
import {
  indexRepository,
  makeTestTls,
  packageChart,
  pushChart,
  runCommandOk,
  startChartRepository,
  startOciRegistry,
  writeChart,
  type ChartRepository,
  type OciRegistry,
  type TestTls,
} from '../support/index.js';

const work = mkdtempSync(join(tmpdir(), 'gitseal-chart-sources-'));
const creds = { username: 'chart-reader', password: 'S3cret-pa55word-xyz' };
const src = join(work, 'src');
const repoDir = join(work, 'repo');
const openDir = join(work, 'open');
const tamperedDir = join(work, 'tampered');
let tls: TestTls;
let authRepo: ChartRepository;
let openRepo: ChartRepository;
let tamperedRepo: ChartRepository;
let httpRepo: ChartRepository;
let authRegistry: OciRegistry;
let plainRegistry: OciRegistry;
/** tgz bytes' sha256 by `name-version`, as helm packaged them. */
const digests = new Map<string, string>();
let cacheCount = 0;

const sha256 = (path: string) => `sha256:${createHash('sha256').update(readFileSync(path)).digest('hex')}`;
const newCache = () => join(work, `cache-${++cacheCount}`);

async function addChart(dir: string, name: string, version: string, padding?: number): Promise<string> {
  const chartDir = writeChart(join(src, `${name}-${version}`), { name, version, ...(padding ? { padding } : {}) });
  mkdirSync(dir, { recursive: true });
  const tgz = await packageChart(chartDir, dir);
  digests.set(`${name}-${version}`, sha256(tgz));
  return tgz;
}

before(
  async () => {
    tls = await makeTestTls(join(work, 'pki'));
    for (const version of ['1.0.0', '1.2.0', '2.0.0']) await addChart(repoDir, 'web', version);
    await addChart(repoDir, 'big', '1.0.0', 64 * 1024);
    await indexRepository(repoDir);
    await addChart(openDir, 'cache', '0.3.0');
    await indexRepository(openDir);
    authRepo = await startChartRepository({ dir: repoDir, basicAuth: creds, tls });
    openRepo = await startChartRepository({ dir: openDir, tls });
    httpRepo = await startChartRepository({ dir: openDir, tls: false });

    // A repository whose .tgz was replaced after `helm repo index`: its index digest no longer matches.
    const tampered = writeChart(join(src, 'tampered'), { name: 'web', version: '1.0.0' });
    mkdirSync(tamperedDir);
    await packageChart(tampered, tamperedDir);
    await indexRepository(tamperedDir);
    writeFileSync(join(tampered, 'templates', 'extra.yaml'), '# changed after indexing\n');
    await packageChart(tampered, tamperedDir);
    tamperedRepo = await startChartRepository({ dir: tamperedDir, tls });

    authRegistry = await startOciRegistry({ auth: creds, tls: true });
    plainRegistry = await startOciRegistry({ tls: false });
    for (const version of ['1.0.0', '1.2.0', '2.0.0'])
      await pushChart(authRegistry, join(repoDir, `web-${version}.tgz`));
    await pushChart(authRegistry, join(repoDir, 'big-1.0.0.tgz'));
    for (const version of ['1.0.0', '1.1.0'])
      await pushChart(plainRegistry, await addChart(join(work, 'db'), 'db', version));
  },
  { timeout: 15 * 60_000 },
);

after(async () => {
  for (const server of [authRepo, openRepo, httpRepo, tamperedRepo, authRegistry, plainRegistry]) await server?.stop();
  rmSync(work, { recursive: true, force: true });
});

const repoOptions = (cacheDir = newCache()): ChartFetchOptions => ({
  cacheDir,
  auth: { ...creds, caBundle: tls.caPem },
});
const registryOptions = (cacheDir = newCache()): ChartFetchOptions => ({
  cacheDir,
  auth: { ...creds, caBundle: authRegistry.tls?.caPem as string },
});

/** Runs `work`, expecting a ChartFetchFailed SyncError; returns its message after checking it is one safe line. */
async function chartFailure(work: () => Promise<unknown>): Promise<string> {
  try {
    await work();
  } catch (error) {
    assert.ok(error instanceof SyncError, `expected a SyncError, got ${String(error)}`);
    assert.equal(error.code, 'CHART_FETCH_FAILED', error.message);
    assert.equal(error.reason, 'ChartFetchFailed');
    assert.doesNotMatch(error.message, /\n/);
    assert.ok(!error.message.includes(creds.password), error.message);
    assert.ok(!error.message.includes(Buffer.from(`${creds.username}:${creds.password}`).toString('base64')));
    return error.message;
  }
  assert.fail('expected a chart fetch failure');
}

test('repository with basic auth and a custom CA: exact version, range, newest; fetched bytes match the index digest', async () => {
  const o = repoOptions();
  const exact = await resolveChart({ url: authRepo.url, name: 'web', version: '1.0.0' }, o);
  assert.deepEqual(
    { name: exact.name, version: exact.version, digest: exact.digest, location: exact.location },
    { name: 'web', version: '1.0.0', digest: digests.get('web-1.0.0'), location: `${authRepo.url}/web-1.0.0.tgz` },
  );
  assert.equal((await resolveChart({ url: authRepo.url, name: 'web', version: '>=1.0.0 <2' }, o)).version, '1.2.0');
  assert.equal((await resolveChart({ url: `${authRepo.url}/`, name: 'web' }, o)).version, '2.0.0');
  // Resolving downloads no chart: only index.yaml was asked for.
  assert.deepEqual(
    new Set(authRepo.requests.filter((r) => r.status === 200).map((r) => r.path)),
    new Set(['/index.yaml']),
  );
  const path = await fetchChart({ url: authRepo.url, name: 'web', version: '1.0.0' }, exact, o);
  assert.equal(sha256(path), digests.get('web-1.0.0'));
  const sourceDir = chartSourceCacheDir(o.cacheDir, { url: authRepo.url, name: 'web' });
  assert.equal(path, join(sourceDir, 'charts', `${(exact.digest as string).slice('sha256:'.length)}.tgz`));
});

test('a new version in the repository is picked up by the range; a cached chart is not downloaded again', async () => {
  const spec: ChartSourceSpec = { url: authRepo.url, name: 'web', version: '^1' };
  const o = repoOptions();
  assert.equal((await resolveChart(spec, o)).version, '1.2.0');
  await addChart(repoDir, 'web', '1.3.0');
  await indexRepository(repoDir);
  const resolved = await resolveChart(spec, o);
  assert.equal(resolved.version, '1.3.0');
  const downloads = () => authRepo.requests.filter((r) => r.path === '/web-1.3.0.tgz' && r.status === 200).length;
  const first = await fetchChart(spec, resolved, o);
  assert.equal(downloads(), 1);
  assert.equal(await fetchChart(spec, await resolveChart(spec, o), o), first);
  assert.equal(downloads(), 1, 'the second fetch of the same digest must come from the cache');
});

test('OCI registry with htpasswd auth over TLS: exact, range, newest, a newly pushed version; the layer digest verifies', async () => {
  const o = registryOptions();
  const url = `${authRegistry.url}/charts`;
  const exact = await resolveChart({ url, name: 'web', version: '1.0.0' }, o);
  assert.equal(exact.version, '1.0.0');
  assert.equal(exact.digest, digests.get('web-1.0.0'), 'helm push stores the .tgz as the chart layer');
  assert.equal(exact.location, `oci://${authRegistry.host}/charts/web:1.0.0`);
  assert.equal((await resolveChart({ url, name: 'web', version: '~1.2' }, o)).version, '1.2.0');
  assert.equal((await resolveChart({ url, name: 'web' }, o)).version, '2.0.0');
  await pushChart(authRegistry, join(repoDir, 'web-1.3.0.tgz'));
  const newest1 = await resolveChart({ url, name: 'web', version: '>=1.0.0 <2' }, o);
  assert.equal(newest1.version, '1.3.0');
  const path = await fetchChart({ url, name: 'web' }, newest1, o);
  assert.equal(sha256(path), digests.get('web-1.3.0'));
});

test('anonymous OCI registry over plain HTTP works with allowHttp, and is refused without it', async () => {
  const spec = { url: `${plainRegistry.url}/charts`, name: 'db', version: '1.x' };
  const resolved = await resolveChart(spec, { cacheDir: newCache(), allowHttp: true });
  assert.equal(resolved.version, '1.1.0');
  const message = await chartFailure(() => resolveChart(spec, { cacheDir: newCache() }));
  assert.match(message, /^chart db from oci:\/\/127\.0\.0\.1:\d+\/charts: TLS failed \(EPROTO\): .*needs allowHttp\)$/);
});

test('plain http:// repositories are refused unless allowHttp', async () => {
  const message = await chartFailure(() =>
    resolveChart({ url: httpRepo.url, name: 'cache' }, { cacheDir: newCache() }),
  );
  assert.match(message, /plain http is not allowed/);
  assert.equal(httpRepo.requests.length, 0, 'nothing is sent over plain http');
  const resolved = await resolveChart({ url: httpRepo.url, name: 'cache' }, { cacheDir: newCache(), allowHttp: true });
  assert.equal(resolved.version, '0.3.0');
});

test('dependencies: https repository (with credentials), another repository and OCI (anonymous), file://, Chart.lock honoured; helm template renders them', async () => {
  const root = join(work, 'checkout');
  writeChart(join(root, 'apps'), { name: 'lib', version: '0.1.0' });
  const parent = writeChart(join(root, 'apps'), {
    name: 'site',
    version: '0.1.0',
    dependencies: [
      { name: 'web', version: '^1', repository: authRepo.url },
      { name: 'cache', version: '0.3.x', repository: `${openRepo.url}/` },
      { name: 'db', version: '>=1.0.0', repository: `${plainRegistry.url}/charts` },
      { name: 'lib', version: '0.1.0', repository: 'file://../lib' },
    ],
  });
  writeFileSync(
    join(parent, 'Chart.lock'),
    [
      'dependencies:',
      `- {name: web, repository: "${authRepo.url}", version: 1.0.0}`,
      `- {name: cache, repository: "${openRepo.url}/", version: 0.3.0}`,
      `- {name: db, repository: "${plainRegistry.url}/charts", version: 1.0.0}`,
      '- {name: lib, repository: "file://../lib", version: 0.1.0}',
      'digest: sha256:0000000000000000000000000000000000000000000000000000000000000000',
      'generated: "2026-01-01T00:00:00Z"',
      '',
    ].join('\n'),
  );
  const openBefore = openRepo.requests.length;
  await vendorDependencies(parent, { ...repoOptions(), allowHttp: true, root, authOrigin: authRepo.url });
  assert.deepEqual(readdirSync(join(parent, 'charts')).sort(), [
    'cache-0.3.0.tgz',
    'db-1.0.0.tgz',
    'lib',
    'web-1.0.0.tgz',
  ]);
  assert.equal(sha256(join(parent, 'charts', 'web-1.0.0.tgz')), digests.get('web-1.0.0'));
  const openRequests = openRepo.requests.slice(openBefore);
  assert.ok(openRequests.length >= 2);
  assert.ok(
    openRequests.every((r) => r.authorization === undefined),
    'no credentials sent to another origin',
  );

  const helm = await resolveHelmBinary();
  const rendered = await runCommandOk(helm, ['template', 'rel', parent]);
  for (const name of ['rel-web', 'rel-cache', 'rel-db', 'rel-lib', 'rel-site'])
    assert.match(rendered, new RegExp(`name: ${name}\\n`));
  assert.match(rendered, /version: "1\.0\.0"/);

  // Without the lock (or with one that no longer matches Chart.yaml) the ranges pick the newest matches.
  rmSync(join(parent, 'charts'), { recursive: true });
  writeFileSync(
    join(parent, 'Chart.lock'),
    'dependencies:\n- {name: web, repository: "https://elsewhere.invalid", version: 1.0.0}\n',
  );
  await vendorDependencies(parent, { ...repoOptions(), allowHttp: true, root, authOrigin: authRepo.url });
  assert.deepEqual(readdirSync(join(parent, 'charts')).sort(), [
    'cache-0.3.0.tgz',
    'db-1.1.0.tgz',
    'lib',
    'web-1.3.0.tgz',
  ]);
  // Already vendored: a second run downloads nothing.
  const before = authRepo.requests.length;
  await vendorDependencies(parent, { ...repoOptions(), allowHttp: true, root, authOrigin: authRepo.url });
  assert.equal(authRepo.requests.length, before);
});

test('a dependency from the credentialed origin is refused when authOrigin is another origin (sent anonymously)', async () => {
  const root = join(work, 'checkout-anon');
  const parent = writeChart(root, {
    name: 'site',
    version: '0.1.0',
    dependencies: [{ name: 'web', version: '1.0.0', repository: authRepo.url }],
  });
  const message = await chartFailure(() =>
    vendorDependencies(parent, { ...repoOptions(), root, authOrigin: openRepo.url }),
  );
  assert.match(message, /^chart web from https:\/\/127\.0\.0\.1:\d+\/: authentication failed \(HTTP 401\)$/);
});

test('wrong password and anonymous access: authentication failed, and the password is in no message', async () => {
  const wrong = {
    cacheDir: newCache(),
    auth: { username: creds.username, password: 'not-the-password-123', caBundle: tls.caPem },
  };
  assert.match(
    await chartFailure(() => resolveChart({ url: authRepo.url, name: 'web' }, wrong)),
    /authentication failed \(HTTP 401\)/,
  );
  const ca = authRegistry.tls?.caPem as string;
  const url = `${authRegistry.url}/charts`;
  for (const auth of [{ username: creds.username, password: 'not-the-password-123', caBundle: ca }, { caBundle: ca }]) {
    const message = await chartFailure(() =>
      resolveChart({ url, name: 'web', version: '1.0.0' }, { cacheDir: newCache(), auth }),
    );
    assert.match(message, /authentication failed \(HTTP 401\)/);
    assert.ok(!message.includes('not-the-password-123'));
  }
  assert.match(
    await chartFailure(() => resolveChart({ url, name: 'web' }, { cacheDir: newCache(), auth: { caBundle: ca } })),
    /authentication failed/,
  );
});

test('a redirect to another origin drops Authorization', async () => {
  const redirecting = await startChartRepository({
    dir: repoDir,
    basicAuth: creds,
    tls,
    redirects: { '/index.yaml': `${openRepo.url}/index.yaml` },
  });
  try {
    const before = openRepo.requests.length;
    const resolved = await resolveChart({ url: redirecting.url, name: 'cache' }, repoOptions());
    assert.equal(resolved.version, '0.3.0');
    const followed = openRepo.requests.slice(before);
    assert.deepEqual(
      followed.map((r) => [r.path, r.authorization]),
      [['/index.yaml', undefined]],
    );
    assert.ok(
      redirecting.requests.every((r) => r.authorization !== undefined),
      'the same origin did get the credentials',
    );
  } finally {
    await redirecting.stop();
  }
});

test('limits: an oversized chart (repository and OCI) and an oversized index.yaml are refused', async () => {
  const o = { ...repoOptions(), maxChartBytes: 16 * 1024 };
  const big = await resolveChart({ url: authRepo.url, name: 'big' }, o);
  assert.match(
    await chartFailure(() => fetchChart({ url: authRepo.url, name: 'big' }, big, o)),
    /too large: more than 16384 bytes/,
  );
  const bigDir = chartSourceCacheDir(o.cacheDir, { url: authRepo.url, name: 'big' });
  assert.deepEqual(readdirSync(join(bigDir, 'charts')), [], 'nothing partial is left in the cache');
  const oci = await chartFailure(() =>
    resolveChart(
      { url: `${authRegistry.url}/charts`, name: 'big' },
      { ...registryOptions(), maxChartBytes: 16 * 1024 },
    ),
  );
  assert.match(oci, /version 1\.0\.0 is too large: \d+ bytes, more than 16384/);
  const index = await chartFailure(() =>
    resolveChart({ url: authRepo.url, name: 'web' }, { ...repoOptions(), maxIndexBytes: 512 }),
  );
  assert.match(index, /too large: more than 512 bytes/);
});

test('a chart whose bytes do not match the index digest is refused and not cached', async () => {
  const o: ChartFetchOptions = { cacheDir: newCache(), auth: { caBundle: tls.caPem } };
  const spec = { url: tamperedRepo.url, name: 'web', version: '1.0.0' };
  const resolved = await resolveChart(spec, o);
  const message = await chartFailure(() => fetchChart(spec, resolved, o));
  assert.match(message, /digest mismatch: expected sha256:[a-f0-9]{64}, downloaded sha256:[a-f0-9]{64}$/);
  assert.deepEqual(readdirSync(join(chartSourceCacheDir(o.cacheDir, spec), 'charts')), []);

  // A digest already in the cache from another source (fetched with that source's credentials) is not handed out
  // to a GitSync of this source that names it: it must come from this source, which does not have it.
  const shared: ChartFetchOptions = { ...repoOptions(), cacheDir: o.cacheDir };
  const genuine = { url: authRepo.url, name: 'web', version: '1.0.0' };
  const { name, version, digest, location } = await resolveChart(genuine, shared);
  await fetchChart(genuine, { name, version, digest, location }, shared);
  const claimed = await chartFailure(() => fetchChart(spec, { name, version, digest, location }, o));
  // Refused either way: the tampered index names another digest (helm package stamps file times), or the same one
  // and then its bytes do not match it. Served from the cache, it would have succeeded.
  assert.match(
    claimed,
    /(digest mismatch: expected sha256:[a-f0-9]{64}, downloaded sha256:[a-f0-9]{64}|the index now gives digest sha256:[a-f0-9]{64}, not sha256:[a-f0-9]{64})$/,
  );
});

test('no matching version lists the newest ones; a missing chart says so', async () => {
  const o = repoOptions();
  assert.match(
    await chartFailure(() => resolveChart({ url: authRepo.url, name: 'web', version: '>=3' }, o)),
    /no version matches ">=3" \(newest: 2\.0\.0, 1\.3\.0, 1\.2\.0, 1\.0\.0\)$/,
  );
  assert.match(
    await chartFailure(() => resolveChart({ url: authRepo.url, name: 'nope' }, o)),
    /chart not found in index\.yaml$/,
  );
  assert.match(
    await chartFailure(() =>
      resolveChart({ url: `${authRegistry.url}/charts`, name: 'web', version: '^9' }, registryOptions()),
    ),
    /no version matches "\^9" \(newest: 2\.0\.0, 1\.3\.0, 1\.2\.0, 1\.0\.0\)$/,
  );
  assert.match(
    await chartFailure(() => resolveChart({ url: `${authRegistry.url}/charts`, name: 'nope' }, registryOptions())),
    /chart not found \(HTTP 404\)$/,
  );
});

test('dependencies: file:// outside the root and helm repo add names are refused with one line', async () => {
  const root = join(work, 'checkout-bad');
  writeChart(join(work, 'outside'), { name: 'outside', version: '1.0.0' });
  const escaping = writeChart(join(root, 'a'), {
    name: 'site',
    version: '0.1.0',
    dependencies: [{ name: 'outside', version: '1.0.0', repository: 'file://../../../outside/outside' }],
  });
  assert.ok(existsSync(join(escaping, '../../../outside/outside/Chart.yaml')));
  assert.match(
    await chartFailure(() => vendorDependencies(escaping, { cacheDir: newCache(), root })),
    /^chart a\/site dependency outside: file:\/\/\.\.\/\.\.\/\.\.\/outside\/outside is outside the repository \(refused\)$/,
  );
  const cyclic = writeChart(join(root, 'c'), {
    name: 'site',
    version: '0.1.0',
    dependencies: [{ name: 'self', version: '0.1.0', repository: 'file://..' }],
  });
  assert.match(
    await chartFailure(() => vendorDependencies(cyclic, { cacheDir: newCache(), root })),
    /^chart c\/site dependency self: file:\/\/\.\. holds the chart itself \(a cycle\)$/,
  );
  const aliased = writeChart(join(root, 'b'), {
    name: 'site',
    version: '0.1.0',
    dependencies: [{ name: 'web', version: '1.0.0', repository: '@stable' }],
  });
  assert.match(
    await chartFailure(() => vendorDependencies(aliased, { cacheDir: newCache(), root })),
    /dependency web: repository "@stable" is a helm repo add name; give the repository URL$/,
  );
});

test('an unreachable port is one line: connection refused', async () => {
  const port = await findFreePort();
  const started = Date.now();
  const message = await chartFailure(() =>
    resolveChart({ url: `https://127.0.0.1:${port}/charts`, name: 'web' }, { cacheDir: newCache() }),
  );
  assert.match(message, /unreachable: connection refused$/);
  const oci = await chartFailure(() =>
    resolveChart({ url: `oci://127.0.0.1:${port}/charts`, name: 'web' }, { cacheDir: newCache() }),
  );
  assert.match(oci, /unreachable: connection refused$/);
  assert.ok(Date.now() - started < 5000);
});

test('a server that accepts and never answers times out after timeoutMs', async () => {
  const sockets = new Set<Socket>();
  const silent = createNetServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  try {
    const address = silent.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const started = Date.now();
    const message = await chartFailure(() =>
      resolveChart({ url: `https://127.0.0.1:${port}`, name: 'web' }, { cacheDir: newCache(), timeoutMs: 500 }),
    );
    assert.match(message, /unreachable: no answer within 0\.5s$/);
    assert.ok(Date.now() - started < 3000);
  } finally {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  }
});

test('a tag list that never ends (a proxy that links every page to itself) stops at the page cap', async () => {
  // A hostile middlebox in front of the real registry: it forwards each request and adds `Link: rel="next"` to the
  // same page on tag lists.
  const target = new URL(plainRegistry.url.replace('oci://', 'http://'));
  let tagPages = 0;
  const proxy: Server = createServer((req, res) => {
    const upstream = request(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
      (up) => {
        const headers = { ...up.headers };
        if (req.url?.includes('/tags/list')) {
          tagPages++;
          headers['link'] = `<${req.url}>; rel="next"`;
        }
        res.writeHead(up.statusCode ?? 502, headers);
        up.pipe(res);
      },
    );
    upstream.once('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  try {
    const address = proxy.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const message = await chartFailure(() =>
      resolveChart(
        { url: `oci://127.0.0.1:${port}/charts`, name: 'db', version: '^1' },
        { cacheDir: newCache(), allowHttp: true },
      ),
    );
    assert.match(message, /tag list has more than 100 pages$/);
    assert.equal(tagPages, 100);
    const capped = await chartFailure(() =>
      resolveChart(
        { url: `oci://127.0.0.1:${port}/charts`, name: 'db', version: '^1' },
        { cacheDir: newCache(), allowHttp: true, maxTags: 5 },
      ),
    );
    assert.match(capped, /tag list has more than 5 tags$/);
  } finally {
    proxy.closeAllConnections();
    await new Promise<void>((resolve) => proxy.close(() => resolve()));
  }
});

test('a ResolvedChart kept without its download URL (e.g. from status) is fetched by looking the version up again', async () => {
  const o = repoOptions();
  const spec = { url: authRepo.url, name: 'web', version: '1.2.0' };
  const { name, version, digest, location } = await resolveChart(spec, o);
  const path = await fetchChart(spec, { name, version, digest, location }, o);
  assert.equal(sha256(path), digests.get('web-1.2.0'));
});
