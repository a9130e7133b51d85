#!/usr/bin/env -S MALLOC_ARENA_MAX=1 node --max-semi-space-size=2
// Memory settings (test/bench/RESULTS.md, "Controller memory"; deploy/Dockerfile sets the same):
// - a 2 MiB semi-space (V8's default grows to 16–32 MiB) keeps resident memory close to the live heap: informer
//   traffic is many short-lived objects;
// - one glibc malloc arena: V8 compiles on background threads, and each thread's arena kept its freed memory
//   (−8 MiB resident at 1,000 SealedSecrets);
// - V8's optimizing and baseline compilers start off (v8-compilers.ts): a controller that only unseals waits on RSA
//   and the API server, and saves ~12 MiB without them; the sync engine turns them on when it loads.
import { favourSize } from '../dist/v8-compilers.js';

favourSize();
const { main } = await import('../dist/main.js');

await main(process.argv);
