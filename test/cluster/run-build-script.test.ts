import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runBuildScript } from './run-build-script.js';

const dir = mkdtempSync(join(tmpdir(), 'gitseal-build-script-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function script(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `set -e\n${body}\n`);
  return path;
}

test('a quiet build step gets "still building" lines naming it; only gitseal cluster: lines are passed on', async () => {
  const lines: string[] = [];
  const slow = script(
    'slow.sh',
    'echo "gitseal cluster: building kubelet v1.35.4 (3s)" >&2\necho "go: downloading noise"\nsleep 0.7',
  );
  await runBuildScript(slow, dir, process.env, () => true, { progress: (l) => lines.push(l), heartbeatMs: 150 });
  assert.equal(lines[0], 'gitseal cluster: building kubelet v1.35.4 (3s)');
  const beats = lines.slice(1);
  assert.ok(beats.length >= 1, `heartbeats: ${JSON.stringify(lines)}`);
  for (const beat of beats) {
    assert.match(beat, /^gitseal cluster: still building, \d+s in \(last step: building kubelet v1\.35\.4\)$/);
  }
  assert.ok(!lines.some((l) => l.includes('noise')));
});

test('a build that keeps printing gets no heartbeat; a failed one rejects with its output tail', async () => {
  const lines: string[] = [];
  const chatty = script('chatty.sh', 'for i in 1 2 3 4; do echo "gitseal cluster: step $i" >&2; sleep 0.1; done');
  await runBuildScript(chatty, dir, process.env, () => true, { progress: (l) => lines.push(l), heartbeatMs: 1_000 });
  assert.deepEqual(
    lines,
    [1, 2, 3, 4].map((i) => `gitseal cluster: step ${i}`),
  );
  const failing = script('failing.sh', 'echo "compile error in x.go" >&2\nexit 3');
  await assert.rejects(
    runBuildScript(failing, dir, process.env, () => false, { progress: () => undefined }),
    /failing\.sh failed \(exit 3\):\ncompile error in x\.go/,
  );
});
