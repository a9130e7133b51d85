import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isExactVersion, newestVersions, pickChartVersion, tagOfVersion, versionOfTag } from './chart-version-pick.js';
import { SyncError } from './sync-error.js';

const versions = ['1.0.0', '1.2.0', '1.10.1', '2.0.0', '2.1.0-rc.1', 'v3.0.0', 'latest'];

test('no version or * picks the newest release (pre-releases and non-versions are not releases)', () => {
  assert.equal(pickChartVersion(versions, undefined), 'v3.0.0');
  assert.equal(pickChartVersion(versions, '*'), 'v3.0.0');
  assert.equal(pickChartVersion(['1.0.0', '2.0.0-rc.1'], ''), '1.0.0');
});

test('a range picks its newest match; no match is undefined', () => {
  assert.equal(pickChartVersion(versions, '>=1.2.0 <2'), '1.10.1');
  assert.equal(pickChartVersion(versions, '^1'), '1.10.1');
  assert.equal(pickChartVersion(versions, '~1.2'), '1.2.0');
  assert.equal(pickChartVersion(versions, '>=4'), undefined);
});

test('an exact version matches itself, with or without v, pre-releases included', () => {
  assert.equal(pickChartVersion(versions, '1.2.0'), '1.2.0');
  assert.equal(pickChartVersion(versions, 'v1.2.0'), '1.2.0');
  assert.equal(pickChartVersion(versions, '3.0.0'), 'v3.0.0');
  assert.equal(pickChartVersion(versions, '2.1.0-rc.1'), '2.1.0-rc.1');
  assert.equal(pickChartVersion(versions, '1.3.0'), undefined);
});

test('a malformed range is a SyncError', () => {
  assert.throws(() => pickChartVersion(versions, '>=1 <<2'), SyncError);
});

test('isExactVersion tells a version from a range', () => {
  assert.equal(isExactVersion('1.2.3'), true);
  assert.equal(isExactVersion('v1.2.3'), true);
  assert.equal(isExactVersion('=1.2.3'), true);
  assert.equal(isExactVersion('^1.2.3'), false);
  assert.equal(isExactVersion('1.2'), false);
  assert.equal(isExactVersion(undefined), false);
});

test('newestVersions lists a few newest releases, newest first', () => {
  assert.equal(newestVersions(versions), 'v3.0.0, 2.0.0, 1.10.1, 1.2.0, 1.0.0');
  assert.equal(newestVersions(['1.0.0', '1.1.0', '1.2.0'], 2), '1.2.0, 1.1.0, …');
  assert.equal(newestVersions([]), 'none');
  assert.equal(newestVersions(['latest']), 'no releases');
});

test('OCI tags store + as _', () => {
  assert.equal(tagOfVersion('1.0.0+build.1'), '1.0.0_build.1');
  assert.equal(versionOfTag('1.0.0_build.1'), '1.0.0+build.1');
});
