// deploy/monitoring as data: the alert rules (plain file and PrometheusRule), their promtool tests, the dashboard.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load } from 'js-yaml';

export const MONITORING_DIR = fileURLToPath(new URL('../../../deploy/monitoring/', import.meta.url));
export const RULES_FILE = join(MONITORING_DIR, 'gitseal-alerts.rules.yaml');
export const PROMETHEUS_RULE_FILE = join(MONITORING_DIR, 'gitseal-prometheusrule.yaml');
export const DASHBOARD_FILE = join(MONITORING_DIR, 'gitseal-dashboard.json');
export const RULE_TESTS_DIR = join(MONITORING_DIR, 'tests');

export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
}

export interface RuleGroup {
  readonly name: string;
  readonly rules: readonly AlertRule[];
}

export function readYaml(path: string): unknown {
  return load(readFileSync(path, 'utf8'));
}

export function ruleGroups(): RuleGroup[] {
  return (readYaml(RULES_FILE) as { groups: RuleGroup[] }).groups;
}

export function alertRules(): AlertRule[] {
  return ruleGroups().flatMap((g) => g.rules);
}

/** The promtool unit-test files (tests/*.yaml). */
export function ruleTestFiles(): string[] {
  return readdirSync(RULE_TESTS_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => join(RULE_TESTS_DIR, f));
}

interface Panel {
  readonly title?: string;
  readonly targets?: readonly { expr?: string }[];
  readonly panels?: readonly Panel[];
}

/** Every query of the dashboard (panels inside rows included), with its panel's title. */
export function dashboardQueries(): { panel: string; expr: string }[] {
  const dashboard = JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as { panels: Panel[] };
  const walk = (panels: readonly Panel[]): { panel: string; expr: string }[] =>
    panels.flatMap((p) => [
      ...(p.targets ?? []).flatMap((t) => (t.expr ? [{ panel: p.title ?? '?', expr: t.expr }] : [])),
      ...walk(p.panels ?? []),
    ]);
  return walk(dashboard.panels);
}
