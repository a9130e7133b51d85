import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { maxSatisfyingTag, parseRange, parseVersion, satisfies } from './semver-range.js';
import { SyncError } from './sync-error.js';

const ok = (range: string, version: string) => {
  const v = parseVersion(version);
  assert.ok(v, version);
  return satisfies(v, parseRange(range));
};

describe('semver ranges', () => {
  it('reads release tags only', () => {
    assert.deepEqual(parseVersion('v1.2.3'), [1, 2, 3]);
    assert.deepEqual(parseVersion('10.0.0'), [10, 0, 0]);
    for (const tag of ['v1.2', '1.2.3-rc.1', '1.2.3+build', 'v01.2.3', 'release-1.2.3', 'V1.2.3']) {
      assert.equal(parseVersion(tag), undefined, tag);
    }
  });

  const table: [string, string[], string[]][] = [
    ['^1.2.3', ['1.2.3', '1.9.0'], ['1.2.2', '2.0.0']],
    ['^0.2.3', ['0.2.3', '0.2.9'], ['0.3.0', '0.2.2']],
    ['^0.0.3', ['0.0.3'], ['0.0.4', '0.0.2']],
    ['^1.2', ['1.2.0', '1.99.0'], ['2.0.0', '1.1.9']],
    ['^0.x', ['0.0.1', '0.9.9'], ['1.0.0']],
    ['~1.2.3', ['1.2.3', '1.2.9'], ['1.3.0', '1.2.2']],
    ['~1.2', ['1.2.0', '1.2.9'], ['1.3.0']],
    ['~1', ['1.0.0', '1.9.9'], ['2.0.0']],
    ['>=1.2.0', ['1.2.0', '9.0.0'], ['1.1.9']],
    ['>1.2.0', ['1.2.1'], ['1.2.0']],
    ['>1.2', ['1.3.0'], ['1.2.9']],
    ['<2.0.0', ['1.9.9', '0.0.0'], ['2.0.0']],
    ['<=1.2', ['1.2.9'], ['1.3.0']],
    ['<=1.2.3', ['1.2.3'], ['1.2.4']],
    ['1.2.3', ['1.2.3'], ['1.2.4']],
    ['=v1.2.3', ['1.2.3'], ['1.2.2']],
    ['1.x', ['1.0.0', '1.5.5'], ['2.0.0', '0.9.0']],
    ['1.2.X', ['1.2.7'], ['1.3.0']],
    ['*', ['0.0.0', '99.0.0'], []],
    ['>=1.0.0 <1.5.0', ['1.4.9'], ['1.5.0', '0.9.0']],
    ['>= 1.0.0 < 1.5.0', ['1.4.9'], ['1.5.0']],
    ['^1.0.0 || ^3.0.0', ['1.1.0', '3.2.0'], ['2.0.0', '4.0.0']],
  ];
  for (const [range, yes, no] of table) {
    it(`${range}`, () => {
      for (const v of yes) assert.equal(ok(range, v), true, `${range} should match ${v}`);
      for (const v of no) assert.equal(ok(range, v), false, `${range} should not match ${v}`);
    });
  }

  it('refuses what it does not understand', () => {
    for (const range of ['', '  ', 'abc', '1.x.3', '^1 ||', '1.2.3 - 2.0.0', '>=1.0.0\n', '-1', '~>1.0']) {
      assert.throws(
        () => parseRange(range),
        (e: unknown) => e instanceof SyncError && e.code === 'INVALID_REF',
        range,
      );
    }
  });

  it('picks the highest matching release tag', () => {
    const tags = ['v1.0.0', 'v1.10.0', 'v1.9.0', 'v2.0.0', 'v1.11.0-rc.1', 'latest', '1.10.0'];
    assert.equal(maxSatisfyingTag(tags, '^1.0.0'), '1.10.0');
    assert.equal(maxSatisfyingTag(tags, '<1.9.0'), 'v1.0.0');
    assert.equal(maxSatisfyingTag(tags, '>=3'), undefined);
    assert.equal(maxSatisfyingTag(['v1.0.0', 'v1.0.1'], '1.0.x'), 'v1.0.1');
  });
});
