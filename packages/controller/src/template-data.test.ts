import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ControllerError } from './controller-error.js';
import { MAX_TEMPLATE_LENGTH, renderTemplateData } from './template-data.js';

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

test('template data: literals, placeholders, override', () => {
  const out = renderTemplateData(
    'ns/x',
    { url: 'postgres://admin:{{ .password }}@db/{{index . "db-name"}}', plain: 'hello', password: 'literal' },
    { password: b64('pw'), 'db-name': b64('app') },
  );
  assert.deepEqual(out, {
    url: b64('postgres://admin:pw@db/app'),
    plain: b64('hello'),
    password: b64('literal'),
    'db-name': b64('app'),
  });
  assert.deepEqual(renderTemplateData('ns/x', undefined, { a: b64('1') }), { a: b64('1') });
});

test('template data: Sprig functions over the items, as Bitnami renders them', () => {
  const out = renderTemplateData(
    'ns/x',
    { auth: '{{ printf "%s:%s" .user .password | b64enc }}', host: '{{ .host | default "localhost" | upper }}' },
    { user: b64('admin'), password: b64('pw') },
  );
  assert.equal(Buffer.from(out['auth'] ?? '', 'base64').toString(), Buffer.from('admin:pw').toString('base64'));
  assert.equal(Buffer.from(out['host'] ?? '', 'base64').toString(), 'LOCALHOST');
  // Go prints a missing key as <no value>, as Bitnami's controller writes it.
  const missing = renderTemplateData('ns/x', { a: '{{ .missing }}' }, { b: b64('v') });
  assert.equal(Buffer.from(missing['a'] ?? '', 'base64').toString(), '<no value>');
});

test('template data: refusals name the item and the function, never a value', () => {
  for (const [template, why] of [
    ['{{ .b | env }}', /spec\.template\.data\.a: column \d+: function "env" is not available/],
    ['{{ randAlphaNum 8 }}', /function "randAlphaNum" is not supported/],
    ['{{ .b | repeat .b }}', /error calling repeat/],
    ['x'.repeat(MAX_TEMPLATE_LENGTH + 1), /template longer than/],
  ] as const) {
    assert.throws(
      () => renderTemplateData('ns/x', { a: template }, { b: b64('secretvalue') }),
      (e: unknown) => {
        assert.ok(e instanceof ControllerError);
        assert.match(e.message, /^SealedSecret ns\/x: spec\.template\.data\.a: /);
        assert.match(e.message, why);
        assert.ok(!e.message.includes('secretvalue'));
        return true;
      },
    );
  }
});

test('template data: many calls over a large item end at the work budget, quickly', () => {
  const big = b64('x'.repeat(900 * 1024));
  const template = '{{ sha256sum .a }}'.repeat(3_000);
  const started = Date.now();
  assert.throws(
    () => renderTemplateData('ns/x', { h1: template, h2: template }, { a: big }),
    /spec\.template\.data\.h1: column \d+: more than \d+ characters of work/,
  );
  assert.ok(Date.now() - started < 3_000, `${Date.now() - started} ms`);
});
