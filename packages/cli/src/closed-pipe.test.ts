import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import { exitQuietlyOnClosedPipe } from './closed-pipe.js';

test('EPIPE on either stream ends the process quietly; other errors still throw', () => {
  const [out, err] = [new EventEmitter(), new EventEmitter()];
  let exits = 0;
  exitQuietlyOnClosedPipe([out, err], () => exits++);
  out.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
  err.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
  assert.equal(exits, 2);
  assert.throws(() => out.emit('error', Object.assign(new Error('disk'), { code: 'EIO' })), /disk/);
  assert.equal(exits, 2);
});
