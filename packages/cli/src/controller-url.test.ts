import assert from 'node:assert/strict';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { CliError, ExitCode } from './cli-error.js';
import { ControllerRoute } from './controller-endpoint.js';
import { isLoopbackHost, parseControllerUrl, routeUrl, urlEndpoint } from './controller-url.js';

const LIMITS = { timeoutMs: 5_000, maxBytes: 1024 };

function exitCodeOf(run: () => unknown): number | undefined {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof CliError);
    return error.exitCode;
  }
  return undefined;
}

test('loopback hosts: localhost, 127.0.0.0/8 and ::1 only', () => {
  for (const host of ['localhost', 'LOCALHOST', '127.0.0.1', '127.1.2.3', '[::1]', '::1']) {
    assert.ok(isLoopbackHost(host), host);
  }
  for (const host of ['10.0.0.1', 'example.org', '128.0.0.1', 'localhost.example.org', '[::2]', '127.0.0.1.nip.io']) {
    assert.ok(!isLoopbackHost(host), host);
  }
});

test('--controller-url: plain http only to loopback unless --insecure-http; https anywhere', () => {
  assert.equal(parseControllerUrl('http://127.0.0.1:8080', false).host, '127.0.0.1:8080');
  assert.equal(parseControllerUrl('http://localhost:8080/', false).hostname, 'localhost');
  assert.equal(parseControllerUrl('https://gitseal.example.org', false).protocol, 'https:');
  assert.equal(parseControllerUrl('http://10.1.2.3:8080', true).hostname, '10.1.2.3');
  assert.throws(() => parseControllerUrl('http://10.1.2.3:8080', false), /plain http:\/\/ to a non-loopback host/);
  assert.equal(
    exitCodeOf(() => parseControllerUrl('http://10.1.2.3:8080', false)),
    ExitCode.Usage,
  );
});

test('--controller-url: refuses other schemes, credentials, queries and junk without echoing them', () => {
  assert.throws(() => parseControllerUrl('ftp://127.0.0.1', false), /only http:\/\/ and https:\/\//);
  assert.throws(() => parseControllerUrl('not a url', false), /^CliError: --controller-url: not a valid URL$/);
  for (const value of ['http://user:hunter2@127.0.0.1', 'http://127.0.0.1/?token=hunter2', 'http://127.0.0.1/#x']) {
    assert.throws(
      () => parseControllerUrl(value, false),
      (error: unknown) =>
        error instanceof CliError && !error.message.includes('hunter2') && /base URL/.test(error.message),
    );
  }
});

test('routes go below the base path', () => {
  assert.equal(
    routeUrl(new URL('http://127.0.0.1:8080'), ControllerRoute.Verify).href,
    'http://127.0.0.1:8080/v1/verify',
  );
  assert.equal(routeUrl(new URL('https://h/gitseal/'), ControllerRoute.Rotate).href, 'https://h/gitseal/v1/rotate');
});

let server: Server;
let base: URL;
const seen: { method?: string | undefined; url?: string | undefined; type?: string | undefined; body: string }[] = [];

before(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({
        method: req.method,
        url: req.url,
        type: req.headers['content-type'],
        body: Buffer.concat(chunks).toString(),
      });
      if (req.url === '/v1/verify') {
        res.writeHead(429, { 'retry-after': '2', 'content-type': 'application/json' });
        res.end('{"error":"RateLimited","message":"too many requests; retry later"}');
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('x'.repeat(2048));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

test('urlEndpoint POSTs JSON and returns status, Retry-After and body as they are', async () => {
  const endpoint = urlEndpoint(base, LIMITS);
  assert.equal(endpoint.where, `controller http://${base.host}`);
  const reply = await endpoint.post(ControllerRoute.Verify, '{"kind":"SealedSecret"}');
  assert.equal(reply.status, 429);
  assert.equal(reply.retryAfter, '2');
  assert.match(reply.body.toString(), /RateLimited/);
  assert.deepEqual(seen.at(-1), {
    method: 'POST',
    url: '/v1/verify',
    type: 'application/json',
    body: '{"kind":"SealedSecret"}',
  });
});

test('urlEndpoint caps the answer and names the controller when it cannot connect (exit 3)', async () => {
  await assert.rejects(urlEndpoint(base, LIMITS).post(ControllerRoute.Rotate, '{}'), (error: unknown) => {
    assert.ok(error instanceof CliError);
    assert.equal(error.exitCode, ExitCode.Remote);
    assert.match(error.message, /response is larger than 1024 bytes/);
    return true;
  });
  const closed = new Server();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const nowhere = urlEndpoint(new URL(`http://127.0.0.1:${port}`), LIMITS);
  await assert.rejects(nowhere.post(ControllerRoute.Verify, '{}'), (error: unknown) => {
    assert.ok(error instanceof CliError);
    assert.equal(error.exitCode, ExitCode.Remote);
    assert.equal(error.message, `controller http://127.0.0.1:${port}: cannot reach the controller: ECONNREFUSED`);
    return true;
  });
});
