// A smart-HTTP Git server (git's own `git http-backend` behind the test bridge) in a process of its own, so that the
// benches can tell its processes from the engine's: serves the folder argv[2] with basic auth argv[3]:argv[4] and
// prints its base URL on stdout; stops when stdin closes.
import { startGitHttpServer } from '@gitseal/sync/testing';

const [root, user, password] = process.argv.slice(2);
const server = await startGitHttpServer(root, `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`);
process.stdout.write(`${server.url}\n`);
process.stdin.resume();
process.stdin.on('end', () => void server.close().then(() => process.exit(0)));
