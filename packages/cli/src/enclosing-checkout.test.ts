import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { enclosingCheckout } from './enclosing-checkout.js';

test('finds the working tree above a folder, or takes the folder itself outside any', async (t) => {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'gitseal-checkout-')));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'repo', '.git'), { recursive: true });
  mkdirSync(join(root, 'repo', 'overlays', 'prod'), { recursive: true });
  mkdirSync(join(root, 'loose'));
  assert.deepEqual(await enclosingCheckout(join(root, 'repo', 'overlays', 'prod')), {
    checkoutDir: join(root, 'repo'),
    path: 'overlays/prod',
  });
  assert.deepEqual(await enclosingCheckout(join(root, 'repo')), { checkoutDir: join(root, 'repo'), path: '' });
  assert.deepEqual(await enclosingCheckout(join(root, 'loose')), { checkoutDir: join(root, 'loose'), path: '' });
});
