// gitseal's e2e test app: GET / answers {"version": $APP_VERSION, "secretSha256": hex SHA-256 of $APP_SECRET}, so a
// test can tell which revision and which Secret a Pod runs with without the secret ever leaving the Pod.
// APP_FAIL=1 makes it exit 1 at start (a rollout that never gets ready). It stops cleanly on SIGTERM: as PID 1 in a
// container nothing else would end it.
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';

if (process.env.APP_FAIL === '1') {
  console.error('gitseal-e2e-app: APP_FAIL=1, exiting');
  process.exit(1);
}

const port = Number(process.env.PORT ?? '8080');
const secret = process.env.APP_SECRET;
const body = JSON.stringify({
  version: process.env.APP_VERSION ?? null,
  secretSha256: secret === undefined ? null : createHash('sha256').update(secret, 'utf8').digest('hex'),
});

const server = createServer((request, response) => {
  if (request.method !== 'GET' || (request.url !== '/' && request.url !== '/healthz')) {
    response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
    return;
  }
  response.writeHead(200, { 'content-type': 'application/json' }).end(body);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, () => {
    console.error(`gitseal-e2e-app: ${signal}, stopping`);
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
    server.closeAllConnections();
  });
}

server.listen(port, () => console.error(`gitseal-e2e-app: listening on :${port}`));
