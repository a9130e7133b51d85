import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commitStatusProblem, type CommitStatusProviderOptions } from './commit-status-options.js';
import { commitStatusProvider } from './commit-status-provider.js';

const TOKEN = 'ghp_PLAINTEXT-MARKER-0f3a';
const good: CommitStatusProviderOptions = {
  name: 'team-a/github',
  type: 'github',
  address: 'https://github.com',
  repository: 'acme/deploy',
  token: TOKEN,
};

test('good options have no problem', () => {
  assert.equal(commitStatusProblem(good), undefined);
  assert.equal(commitStatusProblem({ ...good, type: 'gitea', address: 'http://127.0.0.1:3000/' }), undefined);
  assert.equal(commitStatusProblem({ ...good, type: 'gitea', repository: 'acme/.github' }), undefined);
  assert.equal(
    commitStatusProblem({ ...good, type: 'gitlab', address: 'https://git.example/gitlab', repository: 'a/b/c/d' }),
    undefined,
  );
});

test('abusive or broken options are refused in one line that names the field, never the value', () => {
  const cases: [Partial<CommitStatusProviderOptions>, RegExp][] = [
    [{ address: 'https://user:pw@github.example' }, /^address: must not carry credentials/],
    [{ address: `https://${TOKEN}@github.example` }, /^address: must not carry credentials/],
    [{ address: 'ftp://github.example' }, /^address: not an http\(s\) URL$/],
    [{ address: 'file:///etc/passwd' }, /^address: not an http\(s\) URL$/],
    [{ address: 'javascript:alert(1)' }, /^address: not an http\(s\) URL$/],
    [{ address: 'github.com' }, /^address: not a URL$/],
    [{ address: 'https://github.example/?x=1' }, /^address: must not have a query or fragment$/],
    [{ address: 'https://github.example/#x' }, /^address: must not have a query or fragment$/],
    [{ repository: 'acme/../admin' }, /^repository: must not contain "\.\."$/],
    [{ repository: '../acme' }, /^repository: must not contain "\.\."$/],
    [{ repository: 'acme/deploy?ref=x' }, /^repository: each segment/],
    [{ repository: 'acme/deploy#x' }, /^repository: each segment/],
    [{ repository: 'acme/deploy%2F..' }, /^repository: /],
    [{ repository: 'acme/./deploy' }, /^repository: each segment/],
    [{ repository: 'acme//deploy' }, /^repository: each segment/],
    [{ repository: 'acme/deploy/extra' }, /^repository: must be owner\/name$/],
    [{ repository: 'acme' }, /^repository: must be owner\/name$/],
    [{ type: 'gitea', repository: 'a/b/c' }, /^repository: must be owner\/name$/],
    [{ type: 'gitlab', repository: 'project' }, /^repository: a GitLab project path/],
    [{ type: 'gitlab', repository: Array.from({ length: 22 }, (_, i) => `g${i}`).join('/') }, /^repository: a GitLab/],
    [{ type: 'bitbucket' as never }, /^type: must be github, gitlab or gitea$/],
    [{ token: '' }, /^token: empty$/],
    [{ token: `${TOKEN}\r\nX-Evil: 1` }, /^token: must be one word/],
    [{ name: '' }, /^name: empty$/],
  ];
  for (const [change, expected] of cases) {
    const problem = commitStatusProblem({ ...good, ...change });
    assert.match(problem ?? 'none', expected, JSON.stringify(change));
    assert.ok(!problem?.includes('\n'), 'one line');
    assert.ok(!problem?.includes(TOKEN) && !problem?.includes('pw@'), 'no credential in the problem');
  }
});

test('commitStatusProvider refuses options with a problem, naming the provider only', () => {
  assert.throws(
    () => commitStatusProvider({ ...good, address: `https://x:${TOKEN}@github.example` }),
    (error: Error) =>
      error.message === 'provider team-a/github: address: must not carry credentials (put the token in the Secret)',
  );
});
