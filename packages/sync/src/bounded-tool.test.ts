import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ranOutOfMemory, runBoundedTool } from './bounded-tool.js';

const base = {
  env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' },
  cwd: '/',
  timeoutMs: 10_000,
  maxOutputBytes: 1024,
};

test('stdin in, stdout and the exit code out; a missing tool is reported as missing, with or without prlimit', async () => {
  const cat = await runBoundedTool({ ...base, file: 'cat', args: [], stdin: 'hello', maxAddressSpaceBytes: 0 });
  assert.equal(cat.stdout.toString(), 'hello');
  assert.equal(cat.code, 0);
  for (const maxAddressSpaceBytes of [0, 1024 * 1024 * 1024]) {
    const missing = await runBoundedTool({ ...base, file: 'gitseal-no-such-tool', args: [], maxAddressSpaceBytes });
    assert.equal(missing.missing, true);
  }
});

test('output past the cap and time past the deadline kill the tool with a reason', async () => {
  const yes = await runBoundedTool({ ...base, file: 'yes', args: [], maxAddressSpaceBytes: 0 });
  assert.equal(yes.failure, 'output larger than 1024 bytes');
  const sleepy = await runBoundedTool({ ...base, file: 'sleep', args: ['5'], timeoutMs: 200, maxAddressSpaceBytes: 0 });
  assert.equal(sleepy.failure, 'timed out after 0s');
});

test('the address-space limit applies (prlimit) and a Go runtime’s death by it is recognised', async () => {
  const limited = await runBoundedTool({
    ...base,
    file: 'sh',
    args: ['-c', 'ulimit -v'],
    maxAddressSpaceBytes: 512 * 1024 * 1024,
  });
  assert.equal(limited.stdout.toString().trim(), String(512 * 1024), 'ulimit -v shows KiB');
  assert.equal(limited.limited, 512 * 1024 * 1024);
  assert.equal(ranOutOfMemory('fatal error: out of memory\n\ngoroutine 1'), true);
  assert.equal(ranOutOfMemory('Error: template: x'), false);
});
