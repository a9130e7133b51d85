import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gitAuthFromSecretData, setUpGitAuth } from './git-auth.js';
import { gitEnvironment, runGit, summarizeGitError } from './git-command.js';
import { SyncError } from './sync-error.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'gitseal-gitcmd-'));
  dirs.push(d);
  return d;
};

describe('git environment', () => {
  it('is built from scratch with hardened config in GIT_CONFIG_* variables', async () => {
    const home = tempDir();
    process.env['GIT_DIR'] = '/should/not/leak';
    try {
      const env = gitEnvironment({ home, config: [['http.extraHeader', 'X-Test: 1']] });
      assert.equal(env['GIT_DIR'], undefined);
      assert.equal(env['HOME'], home);
      assert.equal(env['GIT_TERMINAL_PROMPT'], '0');
      assert.equal(env['GIT_CONFIG_NOSYSTEM'], '1');
      const out = await runGit(['config', '--list'], { env, what: 'config' });
      assert.match(out, /^core\.hookspath=\/dev\/null$/m);
      assert.match(out, /^protocol\.allow=never$/m);
      assert.match(out, /^protocol\.file\.allow=always$/m);
      assert.doesNotMatch(out, /^protocol\.http\.allow/m);
      assert.match(out, /^http\.extraheader=X-Test: 1$/m);
      const withHttp = await runGit(['config', '--list'], {
        env: gitEnvironment({ home, allowHttp: true, allowFile: false }),
        what: 'config',
      });
      assert.match(withHttp, /^protocol\.http\.allow=always$/m);
      assert.doesNotMatch(withHttp, /^protocol\.file\.allow/m);
    } finally {
      delete process.env['GIT_DIR'];
    }
  });

  it('turns failures into one scrubbed line and enforces the timeout', async () => {
    const env = gitEnvironment({ home: tempDir() });
    await assert.rejects(
      runGit(['ls-remote', '--', 'file:///nonexistent/gitseal/repo.git'], {
        env,
        what: 'ls-remote file:///nonexistent',
      }),
      (e: unknown) =>
        e instanceof SyncError &&
        e.reason === 'GitFetchFailed' &&
        /^git ls-remote file:\/\/\/nonexistent: .+/.test(e.message) &&
        !e.message.includes('\n'),
    );
    assert.equal(
      summarizeGitError("Cloning...\nfatal: unable to access 'https://u:hunter2@h/r/': boom\n", ['hunter2']),
      "unable to access 'https://***@h/r/': boom",
    );
    assert.equal(summarizeGitError('error: token tok-123456 rejected', ['tok-123456']), 'token *** rejected');
    await assert.rejects(
      runGit(['config', '--list'], { env, what: 'config', maxOutputBytes: 10 }),
      (e: unknown) => e instanceof SyncError && e.message === 'git config: output larger than 10 bytes',
    );
    const slow = gitEnvironment({ home: tempDir(), config: [['alias.slow', '!sleep 30']] });
    const started = Date.now();
    await assert.rejects(
      runGit(['slow'], { env: slow, what: 'slow', timeoutMs: 300 }),
      (e: unknown) => e instanceof SyncError && e.message === 'git slow: timed out after 300 ms',
    );
    assert.ok(Date.now() - started < 10_000, 'the whole process group was killed');
  });

  it("names ssh's cause of a failed connection with a fixed phrase, never ssh's own text", () => {
    const banner = [
      '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@',
      'The fingerprint for the ED25519 key sent by the remote host is',
      'SHA256:AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefg.',
      'Add correct host key in /tmp/gitseal-git-x/known_hosts to get rid of this message.',
      'Host key for [127.0.0.1]:34717 has changed and you have requested strict checking.',
      'Host key verification failed.',
      'fatal: Could not read from remote repository.',
    ].join('\n');
    assert.equal(
      summarizeGitError(banner),
      'ssh: host key verification failed (known_hosts holds no matching key): Could not read from remote repository.',
    );
    assert.equal(
      summarizeGitError(
        'root@127.0.0.1: Permission denied (publickey).\nfatal: Could not read from remote repository.',
      ),
      'ssh: permission denied, the server refused the key: Could not read from remote repository.',
    );
    assert.equal(
      summarizeGitError(
        'ssh: connect to host 127.0.0.1 port 1: Connection refused\nfatal: Could not read from remote repository.',
      ),
      'ssh: connection refused: Could not read from remote repository.',
    );
  });
});

describe('git auth', () => {
  it('maps Flux-style Secret data', () => {
    assert.deepEqual(
      gitAuthFromSecretData({
        username: 'u',
        password: Buffer.from('p'),
        identity: 'KEY',
        known_hosts: 'kh',
        caFile: 'CA',
        extra: 'x',
      }),
      { username: 'u', password: 'p', sshPrivateKey: 'KEY', knownHosts: 'kh', caBundle: 'CA' },
    );
    assert.deepEqual(gitAuthFromSecretData({ bearerToken: 't', 'ca.crt': 'CA2', caFile: 'CA' }), {
      bearerToken: 't',
      caBundle: 'CA2',
    });
  });

  it('puts HTTPS credentials in env and config only, CA in a 0600 file', async () => {
    const dir = tempDir();
    const setup = await setUpGitAuth(
      { username: 'u', password: 'pw-123456', bearerToken: 'tk-123456', caBundle: 'CA' },
      'https',
      dir,
    );
    assert.equal(setup.env['GITSEAL_GIT_PASSWORD'], 'pw-123456');
    assert.deepEqual(
      setup.config.find(([k]) => k === 'http.extraHeader'),
      ['http.extraHeader', 'Authorization: Bearer tk-123456'],
    );
    const helper = setup.config.find(([k]) => k === 'credential.helper')?.[1] ?? '';
    assert.ok(!helper.includes('pw-123456') && helper.includes('$GITSEAL_GIT_PASSWORD'));
    const ca = setup.env['GIT_SSL_CAINFO'] ?? '';
    assert.equal(readFileSync(ca, 'utf8'), 'CA');
    assert.equal(statSync(ca).mode & 0o777, 0o600);
    assert.deepEqual(setup.secrets, ['pw-123456', 'tk-123456']);
    await assert.rejects(setUpGitAuth({ password: 'a\nb' }, 'https', dir), SyncError);
  });

  it('checks SSH host keys strictly with a 0600 key file', async () => {
    const dir = tempDir();
    const setup = await setUpGitAuth({ sshPrivateKey: 'PRIVATE', knownHosts: 'host ssh-ed25519 AAAA' }, 'ssh', dir);
    const command = setup.env['GIT_SSH_COMMAND'] ?? '';
    assert.match(command, /-o StrictHostKeyChecking=yes/);
    assert.match(command, /-o UserKnownHostsFile='[^']+known_hosts'/);
    assert.ok(!command.includes('PRIVATE'));
    const identity = join(dir, 'identity');
    assert.equal(readFileSync(identity, 'utf8'), 'PRIVATE\n');
    assert.equal(statSync(identity).mode & 0o777, 0o600);
    await assert.rejects(setUpGitAuth({ sshPrivateKey: 'PRIVATE' }, 'ssh', dir), SyncError);
  });
});
