// @gitseal/sync/testing: the Git fixtures the e2e tests and benchmarks share (a git environment for test commits,
// a smart-HTTP server in front of `git http-backend`).
export { gitTestEnv, startGitHttpServer, type GitHttpServer } from './git-test-fixture.js';
