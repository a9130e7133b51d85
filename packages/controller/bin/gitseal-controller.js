#!/usr/bin/env -S MALLOC_ARENA_MAX=1 node --max-semi-space-size=2
// Memory settings (test/bench/RESULTS.md, "Controller memory"; deploy/Dockerfile sets the same):
// - a 2 MiB semi-space (V8's default grows to 16–32 MiB) keeps resident memory close to the live heap: informer
//   traffic is many short-lived objects;
// - one glibc malloc arena: V8 compiles on background threads, and each thread's arena kept its freed memory
//   (−8 MiB resident at 1,000 SealedSecrets);
// - with --no-sync (a plain sealed-secrets controller) V8's optimizing and baseline compilers are off and V8 favours
//   size: that path waits on RSA (native, in worker threads) and the API server, so it costs ~10% more CPU and saves
//   ~12 MiB. The sync engine (plans and diffs over thousands of objects) keeps them: JavaScript-heavy work runs
//   2.5–3× slower without them.
import { setFlagsFromString } from 'node:v8';

if (process.argv.includes('--no-sync')) setFlagsFromString('--no-opt --no-sparkplug --optimize-for-size');
const { main } = await import('../dist/main.js');

await main(process.argv);
