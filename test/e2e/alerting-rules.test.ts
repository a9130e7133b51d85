// The shipped alerting rules (deploy/monitoring) checked by a real promtool, built from the Go module proxy:
// `promtool check rules`, and `promtool test rules` on series written in tests/*.yaml where each alert fires on
// series that should fire it and stays quiet on healthy ones. No promtool is a failure, never a skip.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, test } from 'node:test';
import { resolvePromtoolBinary } from '../cluster/promtool-binary.js';
import { runCommand } from '../support/index.js';
import {
  alertRules,
  PROMETHEUS_RULE_FILE,
  readYaml,
  RULES_FILE,
  ruleGroups,
  ruleTestFiles,
} from './monitoring-files.js';

let promtool = '';
const scratch = mkdtempSync(join(tmpdir(), 'gitseal-alerting-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
before(async () => {
  promtool = await resolvePromtoolBinary();
});

const ALERTS = [
  'GitsealGitSyncNotReady',
  'GitsealSyncFailing',
  'GitsealDriftCorrectionsHigh',
  'GitsealSealedSecretsFailingToUnseal',
  'GitsealCompromisedKeyInUse',
  'GitsealSealingKeyOverdue',
  'GitsealControllerAbsent',
  'GitsealNoLeader',
  'GitsealMultipleLeaders',
  'GitsealRsaPoolSaturated',
  'GitsealNotificationsFailing',
];

test('the PrometheusRule holds exactly the groups of the plain rules file', () => {
  const rule = readYaml(PROMETHEUS_RULE_FILE) as {
    apiVersion: string;
    kind: string;
    metadata: { name: string };
    spec: { groups: unknown };
  };
  assert.equal(rule.apiVersion, 'monitoring.coreos.com/v1');
  assert.equal(rule.kind, 'PrometheusRule');
  assert.equal(rule.metadata.name, 'gitseal-alerts');
  assert.deepEqual(rule.spec.groups, ruleGroups());
});

test('every alert has a severity, a for:, a summary and a description that name objects only', () => {
  assert.deepEqual(
    alertRules().map((r) => r.alert),
    ALERTS,
  );
  for (const rule of alertRules()) {
    assert.match(rule.labels?.severity ?? '', /^(warning|critical)$/, `${rule.alert} severity`);
    assert.match(rule.for ?? '', /^\d+[smh]$/, `${rule.alert} for:`);
    assert.deepEqual(Object.keys(rule.annotations ?? {}).sort(), ['description', 'summary'], rule.alert);
    for (const text of Object.values(rule.annotations ?? {})) {
      // Templates may use the alert's value (a number) and these labels only: no label holds a secret, a revision
      // or a message, and nothing else is reachable from an annotation.
      for (const [, used] of text.matchAll(/\$labels\.(\w+)/g)) {
        // `provider` is a NotificationProvider's namespace/name (never its address), `type` its kind of receiver.
        const allowed = ['namespace', 'name', 'reason', 'instance', 'job', 'provider', 'type'];
        assert.ok(allowed.includes(used ?? ''), `${rule.alert}: ${used}`);
      }
      assert.doesNotMatch(text, /query|\$externalLabels/, rule.alert);
    }
  }
});

test('promtool check rules accepts the rules file and the PrometheusRule groups', async () => {
  const plain = await runCommand(promtool, ['check', 'rules', RULES_FILE]);
  assert.equal(plain.code, 0, plain.stdout + plain.stderr);
  assert.match(plain.stdout + plain.stderr, new RegExp(`SUCCESS: ${ALERTS.length} rules found`));
  // The PrometheusRule's spec as a rules file: what the Prometheus Operator hands to Prometheus.
  const spec = join(scratch, 'prometheusrule-spec.yaml');
  const { spec: body } = readYaml(PROMETHEUS_RULE_FILE) as { spec: unknown };
  writeFileSync(spec, JSON.stringify(body));
  const operator = await runCommand(promtool, ['check', 'rules', spec]);
  assert.equal(operator.code, 0, operator.stdout + operator.stderr);
  assert.match(operator.stdout + operator.stderr, new RegExp(`SUCCESS: ${ALERTS.length} rules found`));
});

test('promtool test rules: every alert fires on its bad series and stays quiet on healthy ones', async () => {
  const files = ruleTestFiles();
  assert.ok(files.length > 0, 'deploy/monitoring/tests/*.yaml');
  const run = await runCommand(promtool, ['test', 'rules', ...files]);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /SUCCESS/);
  // Each alert is tested both ways: expected firing (some exp_alerts) and expected quiet (empty exp_alerts).
  const checks = files.flatMap((f) =>
    (readYaml(f) as { tests: { alert_rule_test?: { alertname: string; exp_alerts?: unknown[] }[] }[] }).tests.flatMap(
      (t) => t.alert_rule_test ?? [],
    ),
  );
  for (const alert of ALERTS) {
    const mine = checks.filter((c) => c.alertname === alert);
    assert.ok(
      mine.some((c) => (c.exp_alerts ?? []).length > 0),
      `${alert}: a test where it fires`,
    );
    assert.ok(
      mine.some((c) => (c.exp_alerts ?? []).length === 0),
      `${alert}: a test where it does not`,
    );
  }
});

test('promtool test rules fails when a rule is weakened: the tests can fail', async () => {
  // The same tests against rules with one threshold changed (3 failures in a row → 30) must fail.
  const dir = join(scratch, 'weakened');
  mkdirSync(join(dir, 'tests'), { recursive: true });
  const rules = readFileSync(RULES_FILE, 'utf8');
  const weakened = rules.replace(
    '(gitseal_gitsync_consecutive_failures) >= 3',
    '(gitseal_gitsync_consecutive_failures) >= 30',
  );
  assert.notEqual(weakened, rules);
  writeFileSync(join(dir, basename(RULES_FILE)), weakened);
  for (const file of ruleTestFiles()) copyFileSync(file, join(dir, 'tests', basename(file)));
  const run = await runCommand(promtool, [
    'test',
    'rules',
    ...ruleTestFiles().map((f) => join(dir, 'tests', basename(f))),
  ]);
  assert.notEqual(run.code, 0, 'a weakened rule passed its tests');
  assert.match(run.stdout + run.stderr, /GitsealSyncFailing/);
});
