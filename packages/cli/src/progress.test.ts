import assert from 'node:assert/strict';
import { test } from 'node:test';
import { progressOn, withProgress, type ProgressStream } from './progress.js';

function stream(isTTY: boolean, columns = 80): ProgressStream & { written: string[] } {
  const written: string[] = [];
  return {
    isTTY,
    columns,
    written,
    write(text: string) {
      written.push(text);
      return true;
    },
  };
}

test('on a terminal: throttled in-place updates (forced ones always), erased by done', () => {
  const tty = stream(true);
  let now = 0;
  const progress = progressOn(tty, { TERM: 'xterm' }, 100, () => now);
  progress.update('sealed 1/3');
  now = 50;
  progress.update('sealed 2/3');
  progress.update('sealed 3/3', true);
  progress.done();
  assert.deepEqual(tty.written, ['\rsealed 1/3\u001b[K', '\rsealed 3/3\u001b[K', '\r\u001b[K']);
});

test('not a terminal, or TERM=dumb: nothing at all', () => {
  for (const [out, env] of [
    [stream(false), { TERM: 'xterm' }],
    [stream(true), { TERM: 'dumb' }],
  ] as const) {
    const progress = progressOn(out, env);
    progress.update('sealed 1/1', true);
    progress.done();
    assert.deepEqual(out.written, []);
  }
});

test('a line longer than the terminal is cut to fit; done without any update writes nothing', () => {
  const tty = stream(true, 20);
  const progress = progressOn(tty, {});
  progress.done();
  assert.deepEqual(tty.written, []);
  progress.update('x'.repeat(50), true);
  assert.equal(tty.written[0], `\r${'x'.repeat(18)}…\u001b[K`);
});

test('withProgress erases the line when the work fails too', async () => {
  const tty = stream(true);
  const progress = progressOn(tty, {});
  await assert.rejects(
    withProgress(async (p) => {
      p.update('working', true);
      await Promise.resolve();
      throw new Error('boom');
    }, progress),
    /boom/,
  );
  assert.deepEqual(tty.written, ['\rworking\u001b[K', '\r\u001b[K']);
});
