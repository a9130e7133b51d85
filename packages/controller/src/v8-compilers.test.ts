import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

/**
 * Runs a hot function in a fresh process after each switch and prints whether V8 optimized it (TurboFan), from
 * %GetOptimizationStatus (bit 4 = optimized by TurboFan). A new function per phase, so nothing carries over.
 */
function optimizedAfter(phases: readonly ('favourSize' | 'favourSpeed' | 'none')[]): boolean[] {
  const module = fileURLToPath(new URL('./v8-compilers.js', import.meta.url));
  const script = `const compilers = await import(${JSON.stringify(module)});
const results = [];
for (const phase of ${JSON.stringify(phases)}) {
  if (phase !== 'none') compilers[phase]();
  const hot = new Function('n', 'let s = 0; for (let i = 0; i < n; i++) s += i % 7; return s;');
  for (let round = 0; round < 2000; round++) hot(1000);
  results.push((%GetOptimizationStatus(hot) & 16) !== 0);
}
process.stdout.write(JSON.stringify(results));`;
  const out = execFileSync(process.execPath, ['--allow-natives-syntax', '--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  return JSON.parse(out) as boolean[];
}

test('favourSize stops V8 from optimizing, and favourSpeed turns it back on in the same process', () => {
  assert.deepEqual(optimizedAfter(['none', 'favourSize', 'favourSpeed']), [true, false, true]);
});
