import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ociChartRepository, ociLocation } from './oci-reference.js';

test('splits oci:// into registry, repository and base URL', () => {
  const r = ociChartRepository('oci://127.0.0.1:5000/charts/stable/', 'web', false);
  assert.equal(r.registry, '127.0.0.1:5000');
  assert.equal(r.repository, 'charts/stable/web');
  assert.equal(r.base.href, 'https://127.0.0.1:5000/');
  assert.equal(ociLocation(r, '1.0.0'), 'oci://127.0.0.1:5000/charts/stable/web:1.0.0');
  assert.equal(ociChartRepository('oci://reg.example', 'web', true).base.href, 'http://reg.example/');
  assert.equal(ociChartRepository('oci://reg.example', 'web', true).repository, 'web');
});

test('refuses credentials, queries and invalid names', () => {
  assert.throws(() => ociChartRepository('oci://u:p@reg.example/c', 'web', false), /credentials in the URL/);
  assert.throws(() => ociChartRepository('oci://reg.example/c?x=1', 'web', false), /no query/);
  assert.throws(() => ociChartRepository('oci://reg.example/C', 'web', false), /not a valid OCI repository/);
  assert.throws(() => ociChartRepository('oci://reg.example/c', '../web', false), /not a valid OCI repository/);
  assert.throws(() => ociChartRepository('https://reg.example/c', 'web', false), /not an oci:\/\/ URL/);
});
