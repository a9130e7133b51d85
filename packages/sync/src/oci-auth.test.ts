import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextLink, parseChallenge, readToken, tokenUrl } from './oci-auth.js';

test('parses Basic and Bearer challenges', () => {
  assert.deepEqual(parseChallenge('Basic realm="Registry Realm"'), { scheme: 'basic' });
  assert.deepEqual(
    parseChallenge('Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull"'),
    {
      scheme: 'bearer',
      realm: 'https://auth.example/token',
      service: 'registry.example',
      scope: 'repository:a/b:pull',
    },
  );
  assert.deepEqual(parseChallenge('bearer realm=https://auth.example/token'), {
    scheme: 'bearer',
    realm: 'https://auth.example/token',
  });
  assert.deepEqual(parseChallenge('Bearer service="x"'), { scheme: 'unknown' });
  assert.deepEqual(parseChallenge(undefined), { scheme: 'unknown' });
  assert.deepEqual(parseChallenge('Negotiate'), { scheme: 'unknown' });
});

test('the token URL carries service and a pull scope', () => {
  const url = tokenUrl({ scheme: 'bearer', realm: 'https://auth.example/token?x=1', service: 'reg' }, 'charts/web');
  assert.equal(url.href, 'https://auth.example/token?x=1&service=reg&scope=repository%3Acharts%2Fweb%3Apull');
});

test('reads token or access_token; refuses junk', () => {
  assert.equal(readToken(Buffer.from('{"token":"abc"}')), 'abc');
  assert.equal(readToken(Buffer.from('{"access_token":"def"}')), 'def');
  assert.equal(readToken(Buffer.from('{"token":"a\\nb"}')), undefined);
  assert.equal(readToken(Buffer.from('not json')), undefined);
});

test('follows rel="next" links', () => {
  const base = new URL('https://r.example/v2/a/tags/list?n=2');
  assert.equal(
    nextLink('</v2/a/tags/list?n=2&last=b>; rel="next"', base)?.href,
    'https://r.example/v2/a/tags/list?n=2&last=b',
  );
  assert.equal(nextLink('<https://x.example/a>; rel="prev"', base), undefined);
  assert.equal(nextLink(undefined, base), undefined);
});
