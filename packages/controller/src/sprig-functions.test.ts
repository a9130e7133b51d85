// Each expectation is the output Go's text/template with Sprig v3 gives (Sprig's documentation examples where it
// has one), so templates written for Bitnami's controller render the same here.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { execTemplate, WorkBudget } from './go-template-exec.js';
import { parseTemplate, TemplateError } from './go-template-parse.js';
import { base32Decode, base64Decode, SUPPORTED_FUNCTIONS } from './sprig-functions.js';

const LIMITS = { maxOutput: 1024 * 1024, maxSteps: 10_000 };
const run = (src: string, data: Record<string, string> = {}): string =>
  execTemplate(parseTemplate(src), new Map(Object.entries(data)), LIMITS);

const cases: ReadonlyArray<readonly [string, string]> = [
  ['{{ "hello" | upper }}', 'HELLO'],
  ['{{ "HELLO" | lower }}', 'hello'],
  ['{{ "straße" | upper }}', 'STRAßE'],
  ['{{ title "hello world" }}', 'Hello World'],
  ['{{ title "hello-world o\'neil" }}', "Hello-World O'Neil"],
  ['{{ title "ǳx hello_world abc1def x.y" }}', 'ǲx Hello_world Abc1def X.Y'],
  ['{{ trim "   hello    " }}', 'hello'],
  ['{{ trimAll "$" "$5.00" }}', '5.00'],
  ['{{ trimSuffix "-" "hello-" }}', 'hello'],
  ['{{ trimPrefix "-" "-hello" }}', 'hello'],
  ['{{ repeat 3 "hello" }}', 'hellohellohello'],
  ['{{ substr 0 5 "hello world" }}', 'hello'],
  ['{{ substr 6 -1 "hello world" }}', 'world'],
  ['{{ nospace "hello w o r l d" }}', 'helloworld'],
  ['{{ trunc 5 "hello world" }}', 'hello'],
  ['{{ trunc -5 "hello world" }}', 'world'],
  ['{{ trunc 50 "hello" }}', 'hello'],
  ['{{ contains "cat" "catch" }}', 'true'],
  ['{{ hasPrefix "cat" "catch" }}', 'true'],
  ['{{ hasSuffix "cat" "catch" }}', 'false'],
  ['{{ quote "hello" }}', '"hello"'],
  ['{{ quote "a\\"b\\\\c\\n\\x01é" }}', '"a\\"b\\\\c\\n\\x01é"'],
  ['{{ quote "a" 1 nil "b" }}', '"a" "1" "b"'],
  ['{{ squote "hello" }}', "'hello'"],
  ['{{ cat "hello" "beautiful" "world" }}', 'hello beautiful world'],
  ['{{ indent 4 "a\\nb" }}', '    a\n    b'],
  ['{{ nindent 2 "a\\nb" }}', '\n  a\n  b'],
  ['{{ "I Am Henry VIII" | replace " " "-" }}', 'I-Am-Henry-VIII'],
  ['{{ replace "" "-" "ab" }}', '-a-b-'],
  ['{{ plural "one anchovy" "many anchovies" 1 }}', 'one anchovy'],
  ['{{ plural "one anchovy" "many anchovies" 2 }}', 'many anchovies'],
  ['{{ b64enc "hello" }}', 'aGVsbG8='],
  ['{{ b64dec "aGVsbG8=" }}', 'hello'],
  ['{{ b64dec "aGVsbG8" }}', 'illegal base64 data at input byte 4'],
  ['{{ b32enc "hello" }}', 'NBSWY3DP'],
  ['{{ b32enc "hi" }}', 'NBUQ===='],
  ['{{ b32dec "NBSWY3DP" }}', 'hello'],
  ['{{ b32dec "NBUQ====" }}', 'hi'],
  ['{{ sha256sum "Hello world!" }}', 'c0535e4be2b79ffd93291305436bf889314e4a3faec05ecffcbb7df31ad9e51a'],
  ['{{ sha1sum "hello" }}', 'aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d'],
  ['{{ adler32sum "Wikipedia" }}', '300286872'],
  ['{{ toJson (list 1 "a" true nil) }}', '[1,"a",true,null]'],
  ['{{ toJson "<a&b>" }}', '"\\u003ca\\u0026b\\u003e"'],
  ['{{ default "foo" "" }}', 'foo'],
  ['{{ default "foo" "bar" }}', 'bar'],
  ['{{ "" | default "foo" }}', 'foo'],
  ['{{ .missing | default "foo" }}', 'foo'],
  ['{{ empty "" }} {{ empty 0 }} {{ empty "x" }} {{ empty (list) }}', 'true true false true'],
  ['{{ coalesce 0 "" "b" "c" }}', 'b'],
  ['{{ coalesce 0 "" }}', '<no value>'],
  ['{{ first (list) }} {{ list "a" nil }}', '<no value> [a <nil>]'],
  ['{{ ternary "foo" "bar" true }} {{ true | ternary "foo" "bar" }} {{ ternary "foo" "bar" false }}', 'foo foo bar'],
  ['{{ list "a" "b" | join "_" }}', 'a_b'],
  ['{{ join "," "single" }}', 'single'],
  ['{{ splitList "$" "foo$bar$baz" }}', '[foo bar baz]'],
  ['{{ splitList "," "a,b" | first }} {{ splitList "," "a,b" | last }}', 'a b'],
  ['{{ toString 42 }}', '42'],
  ['{{ atoi "42" }} {{ atoi "x" }}', '42 0'],
  ['{{ add 1 2 3 }} {{ add1 41 }} {{ sub 5 7 }} {{ mul 2 3 4 }} {{ div 7 2 }} {{ mod 7 2 }}', '6 42 -2 24 3 1'],
  ['{{ add "3" 4 }}', '7'],
];

test('Sprig functions give the output Go and Sprig document', () => {
  for (const [src, expected] of cases) assert.equal(run(src), expected, src);
});

test('Go built-ins: printf, print, println, len, index, comparisons, and/or/not, html, urlquery', () => {
  const data = { user: 'admin', pw: 'héllo', 'db-name': 'app' };
  assert.equal(run('{{ printf "%s:%s@%d" .user .pw 5432 }}', data), 'admin:héllo@5432');
  assert.equal(run('{{ printf "%q %v %t %x %%" "a" 1 true "hi" }}'), '"a" 1 true 6869 %');
  assert.equal(run('{{ printf "%s %s" "a" }}'), 'a %!s(MISSING)');
  assert.equal(run('{{ printf "%s" "a" 3 }}'), 'a%!(EXTRA int=3)');
  assert.equal(run('{{ printf "%d" "a" }}'), '%!d(string=a)');
  assert.equal(run('{{ printf "%-5s|%05d|%5d|%.2s|%x" "a" 42 -7 "héllo" 255 }}'), 'a    |00042|   -7|hé|ff');
  assert.equal(run('{{ print "a" 1 2 "b" }}'), 'a1 2b');
  assert.equal(run('{{ println "a" 1 }}'), 'a 1\n');
  assert.equal(run('{{ len .pw }}', data), '6');
  assert.equal(run('{{ index . "db-name" }}', data), 'app');
  assert.equal(run('[{{ index . "missing" }}]', data), '[]');
  assert.equal(run('{{ .missing }}', data), '<no value>');
  assert.equal(
    run('{{ eq .user "admin" }} {{ eq 1 2 1 }} {{ ne 1 2 }} {{ lt 1 2 }} {{ ge "b" "a" }}', data),
    'true true true true true',
  );
  assert.equal(run('{{ and 1 0 }} {{ or 0 "x" }} {{ not "" }}'), '0 x true');
  assert.equal(run('{{ html "<a href=\'x\'>&</a>" }}'), '&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;');
  assert.equal(run('{{ urlquery "a b&c" }}'), 'a+b%26c');
});

test('template syntax: fields, $, trim markers, comments, raw strings, parentheses, if/else if/else', () => {
  const data = { user: 'admin', env: 'prod' };
  assert.equal(run('{{ .user }}/{{ $.user }}', data), 'admin/admin');
  assert.equal(run('a  {{- "x" -}}  \n b'), 'axb');
  assert.equal(run('a{{/* a comment */}}b{{- /* trimmed */ -}} c'), 'abc');
  assert.equal(run('{{ `raw\\n` }}'), 'raw\\n');
  assert.equal(run('{{ upper (printf "%s-%s" .user .env) }}', data), 'ADMIN-PROD');
  const branch = '{{ if eq .env "prod" }}P{{ else if eq .env "dev" }}D{{ else }}O{{ end }}';
  assert.equal(run(branch, data), 'P');
  assert.equal(run(branch, { env: 'dev' }), 'D');
  assert.equal(run(branch, { env: 'x' }), 'O');
  assert.equal(run('{{ if .missing }}yes{{ end }}', data), '');
  assert.equal(run('{{-3}}'), '-3');
});

function refusal(src: string, data: Record<string, string> = {}): string {
  try {
    run(src, data);
  } catch (error) {
    assert.ok(error instanceof TemplateError, `${src}: ${String(error)}`);
    return error.message;
  }
  assert.fail(`${src} was not refused`);
}

test('refused: env and friends, non-deterministic functions, unknown functions, unsupported actions', () => {
  assert.match(refusal('{{ env "HOME" }}'), /function "env" is not available/);
  assert.match(refusal('{{ expandenv "$HOME" }}'), /function "expandenv"/);
  assert.match(refusal('{{ getHostByName "x" }}'), /function "getHostByName"/);
  assert.match(refusal('{{ randAlphaNum 8 }}'), /function "randAlphaNum" is not supported: its output would change/);
  assert.match(refusal('{{ regexReplaceAll "a" "b" "c" }}'), /function "regexReplaceAll" is not supported/);
  assert.match(refusal('{{ range . }}x{{ end }}'), /action "range" is not supported/);
  assert.match(refusal('{{ with .a }}x{{ end }}'), /action "with" is not supported/);
  assert.match(refusal('{{ $x := 1 }}'), /variables are not supported/);
  assert.match(refusal('{{ if 1 }}x'), /"if" without "end"/);
  assert.match(refusal('{{ end }}'), /unexpected "end"/);
  assert.match(refusal('{{ .a'), /unclosed action/);
  assert.match(refusal('{{ upper "a" "b" }}'), /wrong number of args for upper: want 1 got 2/);
  assert.match(
    refusal('{{ repeat "3" "a" }}'),
    /error calling repeat: argument 1: wrong type; expected int, got string/,
  );
  assert.match(refusal('{{ .missing | upper }}'), /error calling upper: argument 1: invalid value; expected string/);
  assert.match(refusal('{{ "a" "b" }}'), /can't give argument to non-function/);
  assert.match(refusal('{{ fail "boom" }}'), /function "fail" was called/);
  assert.match(refusal('{{ indent -2 "a" }}'), /error calling indent: negative Repeat count/);
  assert.ok(SUPPORTED_FUNCTIONS.includes('b64enc') && !SUPPORTED_FUNCTIONS.includes('env'));
});

test('errors never hold the data', () => {
  const secret = 'hunter2-very-secret';
  const data = { pw: secret };
  for (const src of [
    '{{ repeat .pw "x" }}',
    '{{ .pw.inner }}',
    '{{ fail .pw }}',
    '{{ div .pw 0 }}',
    '{{ eq .pw 1 }}',
    '{{ lt .pw 1 }}',
    '{{ index .pw 99 }}',
    '{{ ternary "a" "b" .pw }}',
  ]) {
    assert.ok(!refusal(src, data).includes(secret), src);
  }
});

test('bounded: output size and steps', () => {
  const small = { maxOutput: 1000, maxSteps: 50 };
  const exec = (src: string) => execTemplate(parseTemplate(src), new Map(), small);
  assert.throws(() => exec('{{ repeat 100000000000 "x" }}'), /output larger than 1000/);
  assert.throws(() => exec(`${'x'.repeat(990)}{{ "0123456789ab" }}`), /output larger than 1000/);
  assert.throws(() => exec('{{ "" }}'.repeat(60)), /more than 50 steps/);
  assert.throws(() => exec(`{{ ${'('.repeat(40)}"x"${')'.repeat(40)} }}`), /nested too deeply/);
  assert.throws(() => exec('{{ indent 100000 "a" }}'), /output larger/);
  assert.throws(() => exec('{{ printf "%999s%999s" "a" "b" }}'), /printf: output larger than 1000/);
  assert.throws(() => exec('{{ list (repeat 600 "x") (repeat 600 "y") }}'), /output larger than 1000/);
  const work = new WorkBudget(5_000);
  const spend = () => execTemplate(parseTemplate('{{ len (repeat 900 "x") }}'), new Map(), small, work);
  for (let i = 0; i < 5; i++) spend();
  assert.throws(spend, /more than 5000 characters of work/);
});

test('base64 and base32 decoding follow Go strictness', () => {
  assert.equal(base64Decode('aGk='), 'hi');
  assert.equal(base64Decode('aGk'), 'illegal base64 data at input byte 0');
  assert.equal(base64Decode('a$=='), 'illegal base64 data at input byte 1');
  assert.equal(base32Decode('nbsw'), 'illegal base32 data at input byte 0');
});
