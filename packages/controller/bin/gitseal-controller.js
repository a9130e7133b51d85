#!/usr/bin/env -S node --max-semi-space-size=2
// A 2 MiB semi-space (V8's default grows to 16–32 MiB) keeps the controller's resident memory close to its live
// heap: informer traffic is many short-lived objects. deploy/Dockerfile passes the same flag.
import { main } from '../dist/main.js';

await main(process.argv);
