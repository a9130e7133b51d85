// `gitseal ui`'s server with plain HTTP against the real control plane: the one-time login token and the session
// cookie, the security headers, the Host check (DNS rebinding), CSRF, 401 without a session, RBAC (a ServiceAccount
// that may only list/watch/get GitSyncs is refused actions with a clear message), and Secrets read as metadata only.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, test } from 'node:test';
import { CoreV1Api, CustomObjectsApi, RbacAuthorizationV1Api, type KubeConfig } from '@kubernetes/client-node';
import { patchStatus } from '@gitseal/kube';
import {
  createTestNamespace,
  crdPath,
  installCrd,
  kubeConfigFor,
  serviceAccountKubeConfig,
  sharedControlPlane,
  type ControlPlane,
} from '../support/index.js';
import { loginCookie, startGitsealUi, type GitsealUiProcess } from '../support/browser-ui-server.js';
import { assertNoMarkers, marker } from './cli-harness.js';

const shared = sharedControlPlane();
const GROUP = { group: 'gitseal.dev', version: 'v1alpha1', plural: 'gitsyncs' };
const uis: GitsealUiProcess[] = [];
after(async () => {
  await Promise.all(uis.map((ui) => ui.stop()));
});

interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** One HTTP request with any Host header (fetch does not let a test set it). */
function http(
  url: string,
  options: { method?: string; headers?: Record<string, string>; host?: string } = {},
): Promise<Reply> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: options.method ?? 'GET',
        headers: { ...(options.host ? { Host: options.host } : {}), ...options.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** The first `count` messages of a server-sent-events stream. */
function firstEvents(url: string, cookie: string, count: number): Promise<unknown[]> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const messages: unknown[] = [];
    const timer = setTimeout(
      () => reject(new Error(`no ${count} events from ${url}: ${JSON.stringify(messages)}`)),
      20_000,
    );
    const req = request(
      { host: target.hostname, port: target.port, path: target.pathname, headers: { Cookie: cookie } },
      (res) => {
        let buffer = '';
        res.on('data', (c: Buffer) => {
          buffer += c.toString('utf8');
          for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const data = block.split('\n').find((l) => l.startsWith('data: '));
            if (data !== undefined) messages.push(JSON.parse(data.slice(6)));
            if (messages.length >= count) {
              clearTimeout(timer);
              req.destroy();
              resolve(messages);
              return;
            }
          }
        });
      },
    );
    req.on('error', (error) => {
      if (messages.length < count) reject(error);
    });
    req.end();
  });
}

let plane: ControlPlane | undefined;
let kc: KubeConfig;
let namespace = '';
let admin: GitsealUiProcess;
/** The admin UI's session (its login token works once). */
let adminCookie = '';
const secretMarker = marker('ui-secret');

async function setup(t: Parameters<typeof shared.use>[0]): Promise<boolean> {
  plane = shared.use(t);
  if (plane === undefined) return false;
  if (namespace !== '') return true;
  kc = kubeConfigFor(plane.kubeconfigPath);
  await installCrd(kc, crdPath('gitsyncs.gitseal.dev.yaml'));
  namespace = await createTestNamespace(kc, 'ui-security');
  const custom = kc.makeApiClient(CustomObjectsApi);
  await custom.createNamespacedCustomObject({
    ...GROUP,
    namespace,
    body: {
      apiVersion: 'gitseal.dev/v1alpha1',
      kind: 'GitSync',
      metadata: { name: 'web', namespace },
      spec: { source: { url: 'https://git.example/app.git', ref: { branch: 'main' } }, allowPlainSecrets: true },
    },
  });
  // An applied Secret holding a plaintext marker, in the GitSync's inventory as the controller would record it.
  await kc.makeApiClient(CoreV1Api).createNamespacedSecret({
    namespace,
    body: {
      metadata: {
        name: 'db',
        labels: { 'gitseal.dev/sync': `${namespace}.web` },
        annotations: { 'gitseal.dev/applied-digest': 'sha256:00' },
      },
      stringData: { password: secretMarker, username: 'app' },
    },
  });
  await patchStatus(
    custom,
    { ...GROUP, namespace, name: 'web', kind: 'GitSync' },
    {
      inventory: { entries: [{ id: `${namespace}_db__Secret`, v: 'v1' }] },
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'ReconciliationSucceeded',
          message: 'applied',
          lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
        },
      ],
    },
    { fieldManager: 'gitseal-controller' },
  );
  admin = await startGitsealUi(plane.kubeconfigPath);
  uis.push(admin);
  adminCookie = await loginCookie(admin);
  return true;
}

function assertSecurityHeaders(reply: Reply, what: string): void {
  const csp = String(reply.headers['content-security-policy'] ?? '');
  assert.match(csp, /default-src 'self'/, `${what}: CSP default-src`);
  assert.match(csp, /frame-ancestors 'none'/, `${what}: CSP frame-ancestors`);
  assert.match(csp, /script-src 'self'(;|$)/, `${what}: CSP script-src`);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, `${what}: no inline script, no eval`);
  assert.equal(reply.headers['x-content-type-options'], 'nosniff', what);
  assert.equal(reply.headers['referrer-policy'], 'no-referrer', what);
}

test('login: the token works once, gives an HttpOnly SameSite=Strict cookie and redirects without the token', async (t) => {
  if (!(await setup(t))) return;
  const ui = await startGitsealUi(plane!.kubeconfigPath);
  uis.push(ui);
  assert.match(ui.output(), /Open this URL once to log in/);
  assert.equal((await http(ui.url)).status, 401, 'no session: the page is refused');
  const noSession = await http(`${ui.url}api/session`);
  assert.equal(noSession.status, 401);
  assert.equal(JSON.parse(noSession.body).error, 'Unauthorized');
  assert.equal((await http(`${ui.url}api/gitsyncs/${namespace}/web`)).status, 401, 'no data without a session');
  assert.equal((await http(`${ui.url}?token=wrong`)).status, 401, 'a wrong token');

  const login = await http(ui.loginUrl);
  assert.equal(login.status, 303);
  assert.equal(login.headers.location, '/', 'redirects to a URL without the token');
  const setCookie = String(login.headers['set-cookie'] ?? '');
  assert.match(setCookie, /HttpOnly/);
  assert.match(setCookie, /SameSite=Strict/);
  const cookie = setCookie.split(';')[0] ?? '';
  assert.equal((await http(ui.loginUrl)).status, 401, 'the token is good for one login only');

  const page = await http(ui.url, { headers: { Cookie: cookie } });
  assert.equal(page.status, 200);
  assert.match(page.body, /<script type="module" crossorigin src="\/assets\/index-[\w-]+\.js"><\/script>/);
  assert.doesNotMatch(page.body, /<script>|<script type="module">/, 'no inline script');
  const script = /src="(\/assets\/[^"]+\.js)"/.exec(page.body)?.[1];
  assert.ok(script);
  const asset = await http(`${ui.url}${script.slice(1)}`, { headers: { Cookie: cookie } });
  assert.equal(asset.status, 200, 'the bundle is served by the CLI itself');
  assert.match(String(asset.headers['content-type']), /javascript/);
  const session = await http(`${ui.url}api/session`, { headers: { Cookie: cookie } });
  assert.equal(session.status, 200);
  assert.match(JSON.parse(session.body).csrfToken, /^[\w-]{43}$/);
  assert.equal((await http(`${ui.url}api/session`, { headers: { Cookie: 'gitseal-ui-1=forged' } })).status, 401);
});

test('every answer carries CSP, nosniff and no-referrer; a foreign Host header gets 421', async (t) => {
  if (!(await setup(t))) return;
  const cookie = adminCookie;
  const port = admin.port;
  assertSecurityHeaders(await http(admin.url, { headers: { Cookie: cookie } }), 'page');
  assertSecurityHeaders(await http(`${admin.url}api/session`), '401');
  for (const host of [`evil.example:${port}`, `127.0.0.1:${port + 1}`, 'localhost', `attacker.test`]) {
    const rebound = await http(`${admin.url}api/session`, { host, headers: { Cookie: cookie } });
    assert.equal(rebound.status, 421, `Host ${host}`);
    assert.doesNotMatch(rebound.body, /csrf/i);
    assertSecurityHeaders(rebound, '421');
  }
  assert.equal(
    (await http(`${admin.url}api/session`, { host: `localhost:${port}`, headers: { Cookie: cookie } })).status,
    200,
  );
});

test('actions need the session and its CSRF token, from the same origin', async (t) => {
  if (!(await setup(t))) return;
  const cookie = adminCookie;
  const { csrfToken } = JSON.parse((await http(`${admin.url}api/session`, { headers: { Cookie: cookie } })).body) as {
    csrfToken: string;
  };
  const suspend = `${admin.url}api/gitsyncs/${namespace}/web/suspend`;
  const post = (headers: Record<string, string>) => http(suspend, { method: 'POST', headers });
  assert.equal((await post({ 'X-CSRF-Token': csrfToken })).status, 401, 'no cookie');
  const noToken = await post({ Cookie: cookie });
  assert.equal(noToken.status, 403);
  assert.equal(JSON.parse(noToken.body).error, 'CsrfTokenMissing');
  assert.equal((await post({ Cookie: cookie, 'X-CSRF-Token': 'x'.repeat(43) })).status, 403, 'a wrong token');
  const crossOrigin = await post({ Cookie: cookie, 'X-CSRF-Token': csrfToken, Origin: 'http://evil.example' });
  assert.equal(crossOrigin.status, 403);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const read = async () =>
    (await custom.getNamespacedCustomObject({ ...GROUP, namespace, name: 'web' })) as { spec: { suspend?: boolean } };
  assert.notEqual((await read()).spec.suspend, true, 'refused requests changed nothing');

  const ok = await post({ Cookie: cookie, 'X-CSRF-Token': csrfToken, Origin: admin.url.replace(/\/$/, '') });
  assert.equal(ok.status, 200, ok.body);
  assert.deepEqual(JSON.parse(ok.body), { ok: true, message: `GitSync ${namespace}/web suspended` });
  assert.equal((await read()).spec.suspend, true);
  const resumed = await http(`${admin.url}api/gitsyncs/${namespace}/web/resume`, {
    method: 'POST',
    headers: { Cookie: cookie, 'X-CSRF-Token': csrfToken },
  });
  assert.equal(resumed.status, 200);
  assert.equal((await read()).spec.suspend, false);
});

test('Secrets appear by name and key names only: the server reads them as metadata', async (t) => {
  if (!(await setup(t))) return;
  const cookie = adminCookie;
  const reply = await http(`${admin.url}api/gitsyncs/${namespace}/web`, { headers: { Cookie: cookie } });
  assert.equal(reply.status, 200, reply.body);
  const detail = JSON.parse(reply.body) as {
    resources: { kind: string; resources: { name: string; keys?: string[]; sync: string }[] }[];
    permissions: { patch: boolean };
  };
  const secret = detail.resources.find((g) => g.kind === 'Secret')?.resources[0];
  assert.equal(secret?.name, 'db');
  assert.deepEqual(secret?.keys, ['password', 'username']);
  assert.equal(detail.permissions.patch, true);
  const stream = await firstEvents(`${admin.url}api/gitsyncs/${namespace}/web/stream`, cookie, 1);
  assertNoMarkers(reply.body + JSON.stringify(stream), [secretMarker], 'the GitSync page data');
  assertNoMarkers(admin.output(), [secretMarker], 'gitseal ui output');
});

test('RBAC: list/watch only sees its namespace and disabled actions; a refused action says why; no rights at all say so', async (t) => {
  if (!(await setup(t))) return;
  const core = kc.makeApiClient(CoreV1Api);
  const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
  await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name: 'viewer' } } });
  await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name: 'nobody' } } });
  await rbac.createNamespacedRole({
    namespace,
    body: {
      metadata: { name: 'gitsync-viewer' },
      rules: [{ apiGroups: ['gitseal.dev'], resources: ['gitsyncs'], verbs: ['get', 'list', 'watch'] }],
    },
  });
  await rbac.createNamespacedRoleBinding({
    namespace,
    body: {
      metadata: { name: 'gitsync-viewer' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'gitsync-viewer' },
      subjects: [{ kind: 'ServiceAccount', name: 'viewer', namespace }],
    },
  });
  const viewer = await serviceAccountKubeConfig(plane!, { namespace, name: 'viewer' });
  const ui = await startGitsealUi(viewer.path, ['-n', namespace]);
  uis.push(ui);
  const cookie = await loginCookie(ui);
  const [problem, snapshot] = (await firstEvents(`${ui.url}api/gitsyncs/stream`, cookie, 2)) as [
    { type: string; message: string },
    { type: string; items: { key: string }[]; scope: string; live: boolean },
  ];
  assert.deepEqual(problem, {
    type: 'problem',
    message: `You may not list GitSyncs in all namespaces: showing namespace ${namespace} only.`,
  });
  assert.equal(snapshot.type, 'snapshot');
  assert.deepEqual(
    snapshot.items.map((i) => i.key),
    [`${namespace}/web`],
  );
  assert.equal(snapshot.live, true);
  const detail = JSON.parse(
    (await http(`${ui.url}api/gitsyncs/${namespace}/web`, { headers: { Cookie: cookie } })).body,
  );
  assert.equal(detail.permissions.patch, false);
  assert.match(detail.permissions.reason, /does not allow patch on gitsyncs\.gitseal\.dev/);
  const { csrfToken } = JSON.parse((await http(`${ui.url}api/session`, { headers: { Cookie: cookie } })).body);
  const refused = await http(`${ui.url}api/gitsyncs/${namespace}/web/sync`, {
    method: 'POST',
    headers: { Cookie: cookie, 'X-CSRF-Token': csrfToken },
  });
  assert.equal(refused.status, 403);
  assert.deepEqual(JSON.parse(refused.body), {
    error: 'Forbidden',
    message: `You may not sync GitSync ${namespace}/web: your RBAC does not allow patch on gitsyncs.gitseal.dev in namespace ${namespace}.`,
  });
  const stored = (await kc
    .makeApiClient(CustomObjectsApi)
    .getNamespacedCustomObject({ ...GROUP, namespace, name: 'web' })) as { metadata: { annotations?: object } };
  assert.equal(stored.metadata.annotations?.['gitseal.dev/requested-at' as keyof object], undefined);

  const nobody = await serviceAccountKubeConfig(plane!, { namespace, name: 'nobody' });
  const blind = await startGitsealUi(nobody.path, ['-n', namespace]);
  uis.push(blind);
  const [none] = (await firstEvents(`${blind.url}api/gitsyncs/stream`, await loginCookie(blind), 1)) as [
    { type: string; message: string },
  ];
  assert.equal(none.type, 'problem');
  assert.match(none.message, /^You may not list GitSyncs \(RBAC forbids list on gitsyncs\.gitseal\.dev/);
  assert.equal(blind.child.exitCode, null, 'still serving');
});
