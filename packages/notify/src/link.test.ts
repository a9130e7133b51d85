import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildLink, validateLinkPattern } from './link.js';
import { driftEvent } from './test-events.js';

test('buildLink fills and URL-encodes the placeholders', () => {
  const event = driftEvent({ object: { kind: 'GitSync', namespace: 'team a', name: 'apps/x' } });
  assert.equal(
    buildLink('https://gitseal.example/ui/{kind}s/{namespace}/{name}?rev={revision}', event),
    'https://gitseal.example/ui/gitsyncs/team%20a/apps%2Fx?rev=main%40sha1%3A0123456789abcdef',
  );
  assert.equal(buildLink(undefined, event), undefined);
});

test('validateLinkPattern refuses unknown placeholders and non-http URLs', () => {
  validateLinkPattern('https://gitseal.example/ui/gitsyncs/{namespace}/{name}');
  assert.throws(() => validateLinkPattern('https://x/{namespce}'), /unknown placeholder \{namespce\}/);
  assert.throws(() => validateLinkPattern('javascript:alert({name})'), /not an http/);
  assert.throws(() => validateLinkPattern('not a url'), /not a URL/);
});
