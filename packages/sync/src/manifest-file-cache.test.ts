import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ParsedFiles } from './manifest-file-cache.js';
import { renderSource } from './render.js';

const entry = (mode: string, oid: string, path: string): string =>
  `${mode} ${mode === '040000' ? 'tree' : 'blob'} ${oid}${mode === '040000' ? '       -' : '      10'}\t${path}`;
const listing = (...entries: string[]): string => `${entries.join('\0')}\0`;
const oid = (c: string): string => c.repeat(40);
const known = <T>(value: T | undefined): T => {
  assert.ok(value !== undefined);
  return value;
};
const cm = (name: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;

describe('ParsedFiles', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gitseal-parsed-files-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('knows tracked regular files by blob id; links, folders and unknown paths not', () => {
    const files = new ParsedFiles().forListing(
      listing(
        entry('040000', oid('a'), 'app'),
        entry('100644', oid('b'), 'app/a.yaml'),
        entry('100755', oid('c'), 'app/x.yaml'),
        entry('120000', oid('d'), 'app/link.yaml'),
      ),
    );
    assert.equal(files?.keyOf('app/a.yaml'), oid('b'));
    assert.equal(files?.keyOf('app/x.yaml'), oid('c'));
    assert.equal(files?.keyOf('app/link.yaml'), undefined);
    assert.equal(files?.keyOf('app'), undefined);
    assert.equal(files?.keyOf('app/untracked.yaml'), undefined);
  });

  it('is off for a tree with a .gitattributes anywhere (the same blob can check out differently)', () => {
    const tree = listing(entry('100644', oid('b'), 'app/a.yaml'), entry('100644', oid('e'), 'docs/.gitattributes'));
    assert.equal(new ParsedFiles().forListing(tree), undefined);
  });

  it('drops the least recently used files past its byte budget', () => {
    const parsed = new ParsedFiles(100);
    const files = parsed.forListing(listing());
    files?.set('one', [], 60);
    files?.set('two', [], 30);
    files?.get('one');
    files?.set('three', [], 30);
    assert.deepEqual([files?.get('one'), files?.get('two'), files?.get('three')], [[], undefined, []]);
    files?.set('huge', [], 101);
    assert.equal(files?.get('huge'), undefined, 'larger than the whole budget: not kept');
    assert.equal(parsed.size, 2);
  });

  it('a render reads a file again only when its blob id changed', async () => {
    mkdirSync(join(dir, 'app'));
    writeFileSync(join(dir, 'app', 'a.yaml'), cm('first'));
    writeFileSync(join(dir, 'app', 'b.yaml'), cm('b'));
    const parsed = new ParsedFiles();
    const tree = (a: string) => listing(entry('100644', oid(a), 'app/a.yaml'), entry('100644', oid('f'), 'app/b.yaml'));
    const names = async (a: string) =>
      (await renderSource({ checkoutDir: dir, path: 'app', files: known(parsed.forListing(tree(a))) })).map(
        (o) => `${o.source}=${o.object.metadata?.name}`,
      );
    assert.deepEqual(await names('1'), ['app/a.yaml#0=first', 'app/b.yaml#0=b']);
    // The file changes on disk but its blob id does not: what was parsed is used, the file is not read.
    writeFileSync(join(dir, 'app', 'a.yaml'), cm('second'));
    assert.deepEqual(await names('1'), ['app/a.yaml#0=first', 'app/b.yaml#0=b']);
    assert.deepEqual(await names('2'), ['app/a.yaml#0=second', 'app/b.yaml#0=b']);
  });
});
