import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseGitUrl, redactUrl } from './git-url.js';
import { SyncError } from './sync-error.js';

describe('parseGitUrl', () => {
  it('accepts https, ssh, scp-like and file URLs', () => {
    assert.equal(parseGitUrl('https://github.com/org/repo.git').transport, 'https');
    assert.equal(parseGitUrl('ssh://git@github.com:22/org/repo.git').transport, 'ssh');
    assert.equal(parseGitUrl('git@github.com:org/repo.git').transport, 'ssh');
    assert.equal(parseGitUrl('github.com:org/repo.git').transport, 'ssh');
    assert.equal(parseGitUrl('file:///srv/git/repo.git').transport, 'file');
    assert.equal(parseGitUrl('http://127.0.0.1:8080/r.git', { allowHttp: true }).transport, 'http');
  });

  it('refuses everything else', () => {
    const bad: [string, object?][] = [
      ['ext::sh -c id'],
      ['ext::ssh'],
      ['fd::3'],
      ['transport::x'],
      ['-oProxyCommand=x'],
      ['git://github.com/org/repo'],
      ['ftp://host/repo'],
      ['http://host/repo'],
      ['file:///srv/repo', { allowFile: false }],
      ['file://host/srv/repo'],
      ['/srv/repo.git'],
      ['./repo'],
      ['https://user:pw@host/repo'],
      ['https://-host/repo'],
      ['ssh://-oProxyCommand=touch/x'],
      ['git@-host:repo'],
      ['git@host:-repo'],
      ['https://host/repo\n'],
      ['https://host/re po'],
      [''],
    ];
    for (const [url, policy] of bad) {
      assert.throws(
        () => parseGitUrl(url, policy),
        (e: unknown) => e instanceof SyncError && e.code === 'INVALID_URL' && !e.message.includes('pw@'),
        url,
      );
    }
  });

  it('refuses a token or user name in an http(s) URL, pointing to secretRef, without echoing it', () => {
    const token = 'ghp_TOKENMARKER1234567890';
    for (const url of [
      `https://${token}@github.com/org/repo.git`,
      `http://${token}@127.0.0.1/r.git`,
      'https://bot@dev.azure.com/org/repo',
    ]) {
      assert.throws(
        () => parseGitUrl(url, { allowHttp: true }),
        (e: unknown) =>
          e instanceof SyncError &&
          e.code === 'INVALID_URL' &&
          /spec\.source\.secretRef/.test(e.message) &&
          !e.message.includes(token),
        url,
      );
    }
  });

  it('scrubs user info from URLs in text', () => {
    assert.equal(
      redactUrl('fatal: unable to access https://u:p4ss@host/r.git and http://tok@h/x: no'),
      'fatal: unable to access https://***@host/r.git and http://***@h/x: no',
    );
    assert.equal(redactUrl('git@github.com:org/repo.git'), 'git@github.com:org/repo.git');
  });
});
