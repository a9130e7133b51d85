// `gitseal validate` (online) and `gitseal reencrypt --controller` against a running gitseal-controller process on
// the real kube-apiserver + etcd: with --controller-url at the controller's API address, and by default through the
// API server's service proxy (a selector-less Service whose Endpoints point at a controller on a non-loopback
// address, as the local control plane runs no kube-proxy or endpoints controller).
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { after, test, type TestContext } from 'node:test';
import { load, loadAll } from 'js-yaml';
import { inspectSealedValue, parseCertificate, type CertificateInfo } from '@gitseal/crypto';
import { findFreePort } from '../cluster/free-port.js';
import { crdPath, createTestNamespace, installCrd, isCI, kubeConfigFor, sharedControlPlane } from '../support/index.js';
import {
  assertFailure,
  assertNoMarkers,
  assertSuccess,
  certLine,
  makeTempDir,
  marker,
  runCli,
  type CliResult,
} from './cli-harness.js';
import {
  allControllerOutput,
  b64,
  Cluster,
  metricValue,
  startControllerProcess,
  stopAllControllers,
  waitFor,
  type ControllerProcess,
  type SealedSecretObject,
} from './controller-harness.js';

const plane = sharedControlPlane();
const markers: string[] = [];
const cliOutput: string[] = [];
const KEY_LABEL = 'gitseal.dev/sealing-key';

interface Setup {
  readonly cluster: Cluster;
  readonly kubeconfig: string;
  readonly dir: string;
  readonly cleanup: () => Promise<void>;
  readonly controllerNs: string;
  readonly workNs: string;
  readonly controller: ControllerProcess;
  /** The controller's first (generated) sealing certificate, as a file. */
  readonly certPath: string;
  readonly cert: CertificateInfo;
}
let setup: Promise<Setup> | undefined;

function controllerArgs(controllerNs: string, workNs: string): string[] {
  return ['--namespace', controllerNs, '--namespaces', workNs, '--key-size', '2048', '--rsa-workers', '1'];
}

async function ready(t: TestContext): Promise<Setup | undefined> {
  const cp = plane.use(t);
  if (!cp) return undefined;
  setup ??= (async () => {
    const kc = kubeConfigFor(cp.kubeconfigPath);
    const cluster = new Cluster(kc);
    await installCrd(kc, crdPath('sealedsecrets.gitseal.dev.yaml'));
    const { dir, cleanup } = await makeTempDir();
    const controllerNs = await createTestNamespace(kc, 'gitseal-online');
    const workNs = await createTestNamespace(kc, 'online');
    const controller = await startControllerProcess(cp.kubeconfigPath, [
      ...controllerArgs(controllerNs, workNs),
      '--key-renew-period',
      '0',
    ]);
    const pem = await (await fetch(`${controller.api}/v1/cert.pem`)).text();
    const certPath = join(dir, 'controller.crt');
    await writeFile(certPath, pem);
    return {
      cluster,
      kubeconfig: cp.kubeconfigPath,
      dir,
      cleanup,
      controllerNs,
      workNs,
      controller,
      certPath,
      cert: parseCertificate(pem),
    };
  })();
  return setup;
}

after(async () => {
  await stopAllControllers();
  await (await setup?.catch(() => undefined))?.cleanup();
  assertNoMarkers(allControllerOutput(), markers, 'controller output');
  assertNoMarkers(cliOutput.join('\n'), markers, 'CLI stdout/stderr');
});

/** Runs the CLI and keeps its output for the final plaintext scan. */
async function cli(args: readonly string[], input?: string): Promise<CliResult> {
  const result = await runCli(args, input === undefined ? {} : { input });
  cliOutput.push(result.stdout, result.stderr);
  return result;
}

function assertOk(result: CliResult): void {
  assert.equal(result.code, 0, `exit code 0 expected, stderr: ${result.stderr}`);
  assert.equal(result.stderr, '', 'nothing on stderr');
}

/** A Secret manifest whose values are fresh plaintext markers (remembered for the final scan). */
function secretYaml(
  namespace: string,
  name: string,
  keys: readonly string[],
): { yaml: string; data: Record<string, string> } {
  const data = Object.fromEntries(keys.map((key) => [key, marker(`${name}-${key}`)]));
  markers.push(...Object.values(data));
  const yaml = [
    'apiVersion: v1',
    'kind: Secret',
    `metadata: {name: ${name}, namespace: ${namespace}}`,
    'data:',
    ...Object.entries(data).map(([key, value]) => `  ${key}: ${b64(value)}`),
    '',
  ].join('\n');
  return { yaml, data };
}

/** Seals Secret manifests with the CLI and `certPath`; stderr names that certificate, nothing else. */
async function seal(certPath: string, input: string, args: readonly string[] = []): Promise<string> {
  const result = await cli(['seal', '--cert', certPath, ...args], input);
  assertSuccess(result, [certLine('sealing to certificate', await readFile(certPath, 'utf8'), certPath)]);
  return result.stdout;
}

/** One SealedSecret (YAML) sealed by the CLI, and the plaintext it holds. */
async function sealed(
  certPath: string,
  namespace: string,
  name: string,
  keys: readonly string[],
  args: readonly string[] = [],
): Promise<{ yaml: string; data: Record<string, string> }> {
  const secret = secretYaml(namespace, name, keys);
  return { yaml: await seal(certPath, secret.yaml, args), data: secret.data };
}

function url(s: Setup): string[] {
  return ['--controller-url', s.controller.api];
}

function sealedDocs(text: string): SealedSecretObject[] {
  return (loadAll(text) as SealedSecretObject[]).filter((doc) => doc?.kind === 'SealedSecret');
}

/** A key pair from `gitseal keygen`; its certificate file path and parsed certificate. */
async function keygen(
  dir: string,
  name: string,
): Promise<{ keyPath: string; certPath: string; cert: CertificateInfo }> {
  const keyPath = join(dir, `${name}.key`);
  const certPath = join(dir, `${name}.crt`);
  assertOk(await cli(['keygen', '--bits', '2048', '--out-key', keyPath, '--out-cert', certPath]));
  return { keyPath, certPath, cert: parseCertificate(await readFile(certPath, 'utf8')) };
}

test('validate: an object sealed with the controller’s certificate is ok, from files and from stdin', async (t) => {
  const s = await ready(t);
  if (!s) return;
  const { yaml } = await sealed(s.certPath, s.workNs, 'valid', ['password', 'username']);
  const file = join(s.dir, 'valid.yaml');
  await writeFile(file, yaml);
  const result = await cli(['validate', ...url(s), '-f', file]);
  assertOk(result);
  assert.equal(result.stdout, `${file}: SealedSecret ${s.workNs}/valid: ok (key ${s.cert.fingerprint})\n`);
  const fromStdin = await cli(['validate', ...url(s)], yaml);
  assertOk(fromStdin);
  assert.equal(fromStdin.stdout, `stdin: SealedSecret ${s.workNs}/valid: ok (key ${s.cert.fingerprint})\n`);
  // kubeseal's spelling reaches the same command.
  assertOk(await cli(['--validate', ...url(s)], yaml));
});

test('validate: objects sealed with another key or renamed (strict scope) fail with exit 1, one line each', async (t) => {
  const s = await ready(t);
  if (!s) return;
  const other = await keygen(s.dir, 'other');
  const good = join(s.dir, 'good.yaml');
  const foreign = join(s.dir, 'foreign.yaml');
  const renamed = join(s.dir, 'renamed.yaml');
  await writeFile(good, (await sealed(s.certPath, s.workNs, 'good', ['a'])).yaml);
  await writeFile(foreign, (await sealed(other.certPath, s.workNs, 'foreign', ['a'])).yaml);
  const moved = await sealed(s.certPath, s.workNs, 'original', ['a', 'b'], ['--envelope', 'v1']);
  await writeFile(renamed, moved.yaml.replaceAll('name: original', 'name: renamed'));
  const result = await cli(['validate', ...url(s), '-f', good, '-f', foreign, '-f', renamed]);
  assert.equal(result.code, 1, result.stderr);
  assert.equal(result.stdout, '');
  const lines = result.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 3, result.stderr);
  assert.ok(
    lines[0]?.startsWith(`${foreign}: SealedSecret ${s.workNs}/foreign: cannot be decrypted by the controller: `),
    lines[0],
  );
  assert.ok(
    lines[1]?.startsWith(`${renamed}: SealedSecret ${s.workNs}/renamed: cannot be decrypted by the controller: `),
    lines[1],
  );
  assert.equal(lines[2], 'gitseal: validate: 2 problem(s) in 3 file(s)');
});

test('validate -o json|yaml: every object with its result and keys on stdout; problems still exit 1, one stderr line', async (t) => {
  const s = await ready(t);
  if (!s) return;
  const other = await keygen(s.dir, 'other-json');
  const good = join(s.dir, 'good-json.yaml');
  const foreign = join(s.dir, 'foreign-json.yaml');
  await writeFile(good, (await sealed(s.certPath, s.workNs, 'good', ['a'])).yaml);
  await writeFile(foreign, (await sealed(other.certPath, s.workNs, 'foreign', ['a'])).yaml);
  const fingerprint = parseCertificate(await readFile(s.certPath, 'utf8')).fingerprint;

  const ok = await cli(['validate', ...url(s), '-f', good, '-o', 'json']);
  assertSuccess(ok);
  assert.deepEqual(JSON.parse(ok.stdout), {
    apiVersion: 'cli.gitseal.dev/v1alpha1',
    kind: 'ValidationReport',
    mode: 'online',
    certificate: null,
    checked: 1,
    valid: true,
    results: [{ file: good, namespace: s.workNs, name: 'good', valid: true, problems: [], keys: [fingerprint] }],
  });

  const mixed = await cli(['validate', ...url(s), '-f', good, '-f', foreign, '-o', 'yaml']);
  assert.equal(mixed.code, 1, mixed.stderr);
  assert.equal(mixed.stderr, 'gitseal: validate: 1 problem(s) in 2 file(s)\n', 'one summary line on stderr');
  const report = load(mixed.stdout) as {
    valid: boolean;
    results: { name: string; valid: boolean; problems: string[] }[];
  };
  assert.equal(report.valid, false);
  assert.deepEqual(
    report.results.map((r) => [r.name, r.valid, r.problems.length]),
    [
      ['good', true, 0],
      ['foreign', false, 1],
    ],
  );
  assert.match(
    report.results[1]?.problems[0] ?? '',
    /SealedSecret .*\/foreign: cannot be decrypted by the controller: /,
  );
});

test('validate: a burst beyond the controller’s rate limit is waited out (429, Retry-After)', async (t) => {
  const s = await ready(t);
  if (!s) return;
  // The controller grants a client 64 RSA operations at once, then 32/s (api-limits.ts). 40 objects of 4 items are
  // 160 operations: whatever the machine's speed, the controller can only have answered them all by holding the
  // client back for (160 - 64) / 32 = 3 s. A limiter that let the burst through would finish far sooner; a slow
  // machine only makes the run longer, never the bound false. Counted: the answers, from the controller's metrics.
  const items = ['a', 'b', 'c', 'd'];
  const objects = 40;
  const secrets = Array.from({ length: objects }, (_, i) => secretYaml(s.workNs, `burst-${i}`, items).yaml);
  const file = join(s.dir, 'burst.yaml');
  await writeFile(file, await seal(s.certPath, secrets.join('---\n')));
  const answered = (code: number) =>
    metricValue(s.controller, 'gitseal_http_requests_total', `{route="/v1/verify",code="${code}"}`);
  const [okBefore, limitedBefore] = [await answered(200), await answered(429)];
  const started = Date.now();
  const result = await cli(['validate', ...url(s), '-f', file]);
  const elapsedSeconds = (Date.now() - started) / 1000;
  assertOk(result);
  assert.equal(result.stdout.trimEnd().split('\n').length, objects);
  const admitted = ((await answered(200)) - okBefore) * items.length;
  assert.equal(admitted, objects * items.length, 'every object was verified once, after its 429s were waited out');
  const { burst, perSecond } = { burst: 64, perSecond: 32 };
  assert.ok(
    admitted <= burst + perSecond * elapsedSeconds,
    `${admitted} operations admitted in ${elapsedSeconds.toFixed(1)} s: more than a burst of ${burst} plus ${perSecond}/s`,
  );
  // Each refusal is one request the CLI sent again after Retry-After (none on a machine too slow to reach the limit).
  t.diagnostic(`429 answers: ${(await answered(429)) - limitedBefore}, elapsed ${elapsedSeconds.toFixed(1)} s`);
});

test('validate: no controller, a plain-http remote URL, a missing Service: one line, exit 3 or 2', async (t) => {
  const s = await ready(t);
  if (!s) return;
  const file = join(s.dir, 'errors.yaml');
  await writeFile(file, (await sealed(s.certPath, s.workNs, 'errors', ['a'])).yaml);
  const port = await findFreePort();
  assertFailure(await cli(['validate', '--controller-url', `http://127.0.0.1:${port}`, '-f', file]), {
    code: 3,
    mentions: [`controller http://127.0.0.1:${port}: cannot reach the controller: ECONNREFUSED`],
  });
  assertFailure(await cli(['validate', '--controller-url', 'http://203.0.113.7:8080', '-f', file]), {
    code: 2,
    mentions: ['http://203.0.113.7:8080', 'plain http://', '--insecure-http'],
  });
  const viaProxy = ['--kubeconfig', s.kubeconfig, '--controller-namespace', s.controllerNs];
  assertFailure(await cli(['validate', ...viaProxy, '--controller-name', 'missing', '-f', file]), {
    code: 3,
    mentions: [`Service ${s.controllerNs}/missing`, '404'],
  });
  assertFailure(await cli(['reencrypt', '--controller', ...viaProxy, '--controller-name', 'missing', '-f', file]), {
    code: 3,
    mentions: [`Service ${s.controllerNs}/missing`, '404'],
  });
});

/** Waits a second past the certificate's notBefore (X.509 times have whole seconds), adds a newer key, waits for it. */
async function addNewerKey(s: Setup): Promise<CertificateInfo> {
  await waitFor('the next second', async () => Date.now() >= s.cert.notBefore.getTime() + 1_100, 5_000, 50);
  const newer = await keygen(s.dir, 'newer');
  await s.cluster.core.createNamespacedSecret({
    namespace: s.controllerNs,
    body: {
      metadata: { name: 'newer-key', labels: { [KEY_LABEL]: 'active' } },
      type: 'kubernetes.io/tls',
      data: { 'tls.crt': b64(await readFile(newer.certPath)), 'tls.key': b64(await readFile(newer.keyPath)) },
    },
  });
  await waitFor('the newer key seals', async () => {
    const pem = await (await fetch(`${s.controller.api}/v1/cert.pem`)).text();
    return parseCertificate(pem).keyId === newer.cert.keyId;
  });
  return newer.cert;
}

test('reencrypt --controller: values move to the newest key, every other byte stays, the Secrets open the same', async (t) => {
  const s = await ready(t);
  if (!s) return;
  const db = await sealed(s.certPath, s.workNs, 'rotate-db', ['password', 'username']);
  const legacy = await sealed(s.certPath, s.workNs, 'rotate-legacy', ['token'], ['--envelope', 'v1']);
  const original = [
    '# Sealed for the app: comments, order and layout must survive re-encryption.',
    db.yaml.trimEnd(),
    '---',
    '# not a secret',
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    `  name: settings   # trailing comment`,
    `  namespace: ${s.workNs}`,
    'data: {mode: "fast"}',
    '---',
    legacy.yaml,
  ].join('\n');
  const file = join(s.dir, 'rotate.yaml');
  await writeFile(file, original);
  const before = await cli(['validate', ...url(s), '-f', file]);
  assertOk(before);
  assert.equal(before.stdout.split(`(key ${s.cert.fingerprint})`).length, 3, before.stdout);

  const newer = await addNewerKey(s);
  const result = await cli(['reencrypt', '--controller', ...url(s), '-f', file]);
  assertOk(result);
  assert.equal(result.stdout, '');

  const rotated = await readFile(file, 'utf8');
  const oldDocs = sealedDocs(original);
  const newDocs = sealedDocs(rotated);
  let expected = original;
  for (const [i, doc] of oldDocs.entries()) {
    for (const [key, value] of Object.entries(doc.spec.encryptedData)) {
      const next = newDocs[i]?.spec.encryptedData[key] ?? '';
      assert.notEqual(next, value, `${doc.metadata.name}/${key} re-encrypted`);
      const info = inspectSealedValue(next);
      assert.equal(info.envelope, value.startsWith('gs2:') ? 'v2' : 'v1', 'each value keeps its envelope');
      if (info.envelope === 'v2') assert.equal(info.keyId, newer.keyId);
      expected = expected.replace(value, next);
    }
  }
  assert.equal(rotated, expected, 'only encryptedData values changed');

  const afterwards = await cli(['validate', ...url(s), '-f', file]);
  assertOk(afterwards);
  assert.equal(afterwards.stdout.split(`(key ${newer.fingerprint})`).length, 3, afterwards.stdout);
  for (const doc of newDocs) await s.cluster.createSealed(doc);
  await s.cluster.waitSecretData(s.workNs, 'rotate-db', {
    password: b64(db.data['password'] ?? ''),
    username: b64(db.data['username'] ?? ''),
  });
  await s.cluster.waitSecretData(s.workNs, 'rotate-legacy', { token: b64(legacy.data['token'] ?? '') });
});

test('reencrypt --controller: one object the controller cannot open leaves every file byte-identical', async (t) => {
  const s = await ready(t);
  if (!s) return;
  const stranger = await keygen(s.dir, 'stranger');
  const good = join(s.dir, 'partial-good.yaml');
  const mixed = join(s.dir, 'partial-mixed.yaml');
  await writeFile(good, (await sealed(s.certPath, s.workNs, 'partial-good', ['a'])).yaml);
  const fine = await sealed(s.certPath, s.workNs, 'partial-fine', ['a']);
  const bad = await sealed(stranger.certPath, s.workNs, 'partial-bad', ['a']);
  await writeFile(mixed, `${fine.yaml}---\n${bad.yaml}`);
  const [goodBytes, mixedBytes] = [await readFile(good), await readFile(mixed)];
  const listing = (await readdir(s.dir)).sort();

  assertFailure(await cli(['reencrypt', '--controller', ...url(s), '-f', good, '-f', mixed]), {
    code: 1,
    mentions: [`${mixed}: SealedSecret ${s.workNs}/partial-bad: cannot be re-encrypted by the controller`],
    markers,
  });
  assert.deepEqual(await readFile(good), goodBytes);
  assert.deepEqual(await readFile(mixed), mixedBytes);
  assert.deepEqual((await readdir(s.dir)).sort(), listing, 'no temp files left behind');
});

/**
 * Makes Service `name` (port `http`) lead to ip:port the way the API server's service proxy accepts: it dials only
 * Endpoints addresses that belong to a Pod with that IP, so a Pod (never run: there is no kubelet) gets that IP in
 * its status, and selector-less Endpoints name it.
 */
async function registerPodEndpoint(cluster: Cluster, namespace: string, name: string, ip: string, port: number) {
  // No kube-controller-manager makes the `default` ServiceAccount that Pod admission wants.
  await cluster.core.createNamespacedServiceAccount({ namespace, body: { metadata: { name: 'default' } } });
  const pod = `${name}-0`;
  await cluster.core.createNamespacedPod({
    namespace,
    body: {
      metadata: { name: pod },
      spec: {
        automountServiceAccountToken: false,
        containers: [{ name: 'controller', image: 'gitseal.invalid/none' }],
      },
    },
  });
  const current = await cluster.core.readNamespacedPodStatus({ namespace, name: pod });
  await cluster.core.replaceNamespacedPodStatus({
    namespace,
    name: pod,
    body: { ...current, status: { ...current.status, podIP: ip, podIPs: [{ ip }] } },
  });
  await cluster.core.createNamespacedService({
    namespace,
    body: { metadata: { name }, spec: { ports: [{ name: 'http', port: 8080, targetPort: port }] } },
  });
  await cluster.core.createNamespacedEndpoints({
    namespace,
    body: {
      metadata: { name },
      subsets: [
        { addresses: [{ ip, targetRef: { kind: 'Pod', namespace, name: pod } }], ports: [{ name: 'http', port }] },
      ],
    },
  });
}

/** An IPv4 address of this machine that is not loopback: the API server refuses loopback Endpoints. */
function externalIPv4(): string | undefined {
  return Object.values(networkInterfaces())
    .flat()
    .find((a) => a?.family === 'IPv4' && !a.internal)?.address;
}

interface Proxied {
  /** The namespace of the proxied controller: its Service, Endpoints and its own gitseal-certs. */
  readonly controllerNs: string;
  readonly ip: string;
  readonly port: number;
  /** http://ip:port of the controller. */
  readonly base: string;
  readonly certPem: string;
  readonly certPath: string;
  readonly fingerprint: string;
}
let proxiedOnce: Promise<Proxied> | undefined;

/**
 * A second controller on this machine's non-loopback address, reached through the API server's service proxy at
 * `<controllerNs>/gitseal-controller` (skipped outside CI when there is no such address).
 */
async function proxied(t: TestContext, s: Setup): Promise<Proxied | undefined> {
  const ip = externalIPv4();
  if (ip === undefined) {
    const why = 'no non-loopback IPv4 address for the Endpoints the service proxy would dial';
    if (isCI()) assert.fail(`${why} (CI must run this test)`);
    t.skip(why);
    return undefined;
  }
  proxiedOnce ??= (async () => {
    const controllerNs = await createTestNamespace(s.cluster.kc, 'gitseal-proxied');
    const port = await findFreePort();
    const base = `http://${ip}:${port}`;
    await startControllerProcess(
      s.kubeconfig,
      [...controllerArgs(controllerNs, s.workNs), '--key-renew-period', '0', '--listen-address', `${ip}:${port}`],
      { waitReady: false },
    );
    await waitFor(
      'proxied controller ready',
      async () => (await fetch(`${base}/readyz`).catch(() => undefined))?.ok,
      90_000,
    );
    await registerPodEndpoint(s.cluster, controllerNs, 'gitseal-controller', ip, port);
    const certPem = await (await fetch(`${base}/v1/cert.pem`)).text();
    const certPath = join(s.dir, 'proxied.crt');
    await writeFile(certPath, certPem);
    await waitFor('its gitseal-certs', async () => {
      const cm = await s.cluster.core
        .readNamespacedConfigMap({ namespace: controllerNs, name: 'gitseal-certs' })
        .catch(() => undefined);
      return cm?.data?.['cert.pem'] === certPem;
    });
    return { controllerNs, ip, port, base, certPem, certPath, fingerprint: parseCertificate(certPem).fingerprint };
  })();
  return proxiedOnce;
}

test('the default path: validate and reencrypt --controller through the API server’s service proxy', async (t) => {
  const s = await ready(t);
  if (!s) return;
  const p = await proxied(t, s);
  if (!p) return;
  const { controllerNs, base, certPath, fingerprint } = p;
  const file = join(s.dir, 'proxied.yaml');
  const original = (await sealed(certPath, s.workNs, 'proxied', ['a'])).yaml;
  await writeFile(file, original);
  const viaProxy = ['--kubeconfig', s.kubeconfig, '--controller-namespace', controllerNs];

  const validated = await cli(['validate', ...viaProxy, '-f', file]);
  assertOk(validated);
  assert.equal(validated.stdout, `${file}: SealedSecret ${s.workNs}/proxied: ok (key ${fingerprint})\n`);
  assertOk(await cli(['reencrypt', '--controller', ...viaProxy, '-f', file]));
  const rotated = await readFile(file, 'utf8');
  assert.notEqual(rotated, original);
  assertOk(await cli(['validate', ...viaProxy, '-f', file]));

  // The same controller straight at its non-loopback address: plain http only with --insecure-http.
  assertFailure(await cli(['validate', '--controller-url', base, '-f', file]), {
    code: 2,
    mentions: ['plain http://'],
  });
  assertOk(await cli(['validate', '--controller-url', base, '--insecure-http', '-f', file]));
});

/** Options that make the CLI find the controller of `namespace` with the admin kubeconfig. */
function inCluster(s: Setup, namespace: string): string[] {
  return ['--kubeconfig', s.kubeconfig, '--controller-namespace', namespace];
}

test('seal and cert without --cert: the ConfigMap certificate, cross-checked with the controller, named on stderr', async (t) => {
  const s = await ready(t);
  if (!s) return;
  const p = await proxied(t, s);
  if (!p) return;
  const configMap = `ConfigMap ${p.controllerNs}/gitseal-certs`;
  const matched = `${configMap}, matches the controller's /v1/cert.pem`;

  const secret = secretYaml(s.workNs, 'cross-checked', ['password']);
  const sealedOut = await cli(['seal', ...inCluster(s, p.controllerNs)], secret.yaml);
  assertSuccess(sealedOut, [certLine('sealing to certificate', p.certPem, matched)]);
  const doc = sealedDocs(sealedOut.stdout)[0];
  const value = inspectSealedValue(doc?.spec.encryptedData['password'] ?? '');
  assert.equal(value.envelope === 'v2' ? value.keyId : '', parseCertificate(p.certPem).keyId, 'stdout: the manifest');
  assertNoMarkers(sealedOut.stdout + sealedOut.stderr, Object.values(secret.data), 'seal output');

  const pem = await cli(['cert', ...inCluster(s, p.controllerNs)]);
  assertSuccess(pem, [certLine('certificate', p.certPem, matched)]);
  assert.equal(pem.stdout, p.certPem, 'stdout: exactly the PEM');
  const fingerprint = await cli(['cert', '--fingerprint', ...inCluster(s, p.controllerNs)]);
  assertSuccess(fingerprint, [certLine('certificate', p.certPem, matched)]);
  assert.equal(fingerprint.stdout, `${p.fingerprint}\n`);
  const json = await cli(['cert', '-o', 'json', ...inCluster(s, p.controllerNs)]);
  assertSuccess(json, [certLine('certificate', p.certPem, matched)]);
  const certDoc = JSON.parse(json.stdout) as Record<string, unknown>;
  assert.equal(certDoc['kind'], 'Certificate');
  assert.equal(certDoc['fingerprint'], p.fingerprint);
  assert.equal(certDoc['pem'], p.certPem);
  assert.equal(
    `${String(certDoc['source'])}, ${String(certDoc['checked'])}`,
    matched,
    'where it came from and how it was checked',
  );

  // Pinned: the pin decides, the controller is not asked.
  const pinned = await cli(['cert', '--cert-fingerprint', p.fingerprint, ...inCluster(s, p.controllerNs)]);
  assertSuccess(pinned, [certLine('certificate', p.certPem, `${configMap}, pinned by --cert-fingerprint`)]);
});

test('without a Service to cross-check with, seal uses the ConfigMap certificate and says it was not checked', async (t) => {
  const s = await ready(t);
  if (!s) return;
  // The first controller publishes its gitseal-certs but has no Service: the service proxy answers 404.
  const pem = await (await fetch(`${s.controller.api}/v1/cert.pem`)).text();
  await waitFor('gitseal-certs of the first controller', async () => {
    const cm = await s.cluster.core
      .readNamespacedConfigMap({ namespace: s.controllerNs, name: 'gitseal-certs' })
      .catch(() => undefined);
    return cm?.data?.['cert.pem'] === pem;
  });
  const secret = secretYaml(s.workNs, 'unchecked', ['password']);
  const result = await cli(['seal', ...inCluster(s, s.controllerNs)], secret.yaml);
  const why = `Service ${s.controllerNs}/gitseal-controller: not found (404)`;
  const from = `ConfigMap ${s.controllerNs}/gitseal-certs, not cross-checked with the controller: ${why}`;
  assertSuccess(result, [certLine('sealing to certificate', pem, from)]);
  assert.equal(sealedDocs(result.stdout).length, 1);
});

/** A ConfigMap `gitseal-certs` in `namespace` written as a tenant's sync would, with the attacker's certificate. */
async function poison(s: Setup, namespace: string, certPem: string): Promise<void> {
  const body = { metadata: { name: 'gitseal-certs' }, data: { 'cert.pem': certPem } };
  await s.cluster.core.createNamespacedConfigMap({ namespace, body, fieldManager: 'gitseal' });
}

test('a poisoned ConfigMap whose controller serves another certificate: refused, one line, nothing written', async (t) => {
  const s = await ready(t);
  if (!s) return;
  const p = await proxied(t, s);
  if (!p) return;
  // Another Service in front of the same controller, in a namespace whose gitseal-certs nobody guards: the state
  // a user meets while the ConfigMap is poisoned (the controller's own is put back within 2 s, see below).
  const decoyNs = await createTestNamespace(s.cluster.kc, 'gitseal-decoy');
  await registerPodEndpoint(s.cluster, decoyNs, 'gitseal-controller', p.ip, p.port);
  const secret = secretYaml(s.workNs, 'poisoned', ['password', 'token']);

  // No ConfigMap yet: the certificate comes from the Service alone.
  const viaService = await cli(['cert', ...inCluster(s, decoyNs)]);
  assertSuccess(viaService, [certLine('certificate', p.certPem, `Service ${decoyNs}/gitseal-controller /v1/cert.pem`)]);

  const attacker = await keygen(s.dir, 'attacker');
  await poison(s, decoyNs, await readFile(attacker.certPath, 'utf8'));
  const refusal = {
    code: 3,
    mentions: [
      `ConfigMap ${decoyNs}/gitseal-certs: certificate ${attacker.cert.fingerprint} differs from ${p.fingerprint}`,
      `Service ${decoyNs}/gitseal-controller /v1/cert.pem`,
      'refusing',
    ],
    markers: Object.values(secret.data),
  };
  assertFailure(await cli(['seal', ...inCluster(s, decoyNs)], secret.yaml), refusal);
  assertFailure(await cli(['cert', ...inCluster(s, decoyNs)]), { ...refusal, markers: [] });

  // In-place and file outputs: nothing written.
  const out = join(s.dir, 'poisoned-out.yaml');
  assertFailure(await cli(['seal', ...inCluster(s, decoyNs), '-w', out], secret.yaml), refusal);
  await assert.rejects(readFile(out), 'no -w file');
  const target = join(s.dir, 'poisoned-merge.yaml');
  await writeFile(target, await seal(p.certPath, secretYaml(s.workNs, 'poisoned', ['old']).yaml));
  const before = await readFile(target);
  assertFailure(await cli(['seal', ...inCluster(s, decoyNs), '--merge-into', target], secret.yaml), refusal);
  assert.deepEqual(await readFile(target), before, '--merge-into file byte-identical');
  const listing = (await readdir(s.dir)).sort();
  assert.ok(!listing.some((name) => name.startsWith('poisoned-merge.yaml.')), 'no temp files left behind');

  // The pin is the strongest check: pinned to the controller's key it refuses the ConfigMap as before…
  assertFailure(await cli(['seal', ...inCluster(s, decoyNs), '--cert-fingerprint', p.fingerprint], secret.yaml), {
    code: 1,
    mentions: [`ConfigMap ${decoyNs}/gitseal-certs`, `does not match --cert-fingerprint ${p.fingerprint}`],
    markers: Object.values(secret.data),
  });
  // …and sealing to whatever the pin names is the user's explicit choice.
  const chosen = await cli(['cert', ...inCluster(s, decoyNs), '--cert-fingerprint', attacker.cert.fingerprint]);
  assertSuccess(chosen, [
    certLine('certificate', attacker.cert.pem, `ConfigMap ${decoyNs}/gitseal-certs, pinned by --cert-fingerprint`),
  ]);
});

test("the controller's own ConfigMap poisoned: seal right after never seals to the attacker's key", async (t) => {
  const s = await ready(t);
  if (!s) return;
  const p = await proxied(t, s);
  if (!p) return;
  const attacker = await keygen(s.dir, 'attacker-2');
  const ref = { namespace: p.controllerNs, name: 'gitseal-certs' };
  const current = await s.cluster.core.readNamespacedConfigMap(ref);
  const attackerPem = await readFile(attacker.certPath, 'utf8');
  await s.cluster.core.replaceNamespacedConfigMap({
    ...ref,
    body: { ...current, data: { ...current.data, 'cert.pem': attackerPem } },
    fieldManager: 'gitseal',
  });
  const secret = secretYaml(s.workNs, 'race', ['password']);
  const result = await cli(['seal', ...inCluster(s, p.controllerNs)], secret.yaml);
  // Either the CLI read the poisoned ConfigMap and refused, or the controller had already put it back.
  if (result.code === 0) {
    const matched = `ConfigMap ${p.controllerNs}/gitseal-certs, matches the controller's /v1/cert.pem`;
    assertSuccess(result, [certLine('sealing to certificate', p.certPem, matched)]);
  } else {
    assertFailure(result, { code: 3, mentions: [attacker.cert.fingerprint, p.fingerprint], markers: [] });
  }
  t.diagnostic(result.code === 0 ? 'restored before the CLI read it' : 'refused (read before the restore)');
  const restored = await s.cluster.core.readNamespacedConfigMap(ref);
  assert.equal(restored.data?.['cert.pem'], p.certPem, 'restored by the controller');
});
