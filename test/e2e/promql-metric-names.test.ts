// Pure tests of the PromQL metric-name tokenizer the monitoring tests use (no cluster).
import assert from 'node:assert/strict';
import test from 'node:test';
import { histogramFamily, promqlMetricNames } from './promql-metric-names.js';

test('promqlMetricNames finds selectors, not functions, keywords, labels, strings, ranges or variables', () => {
  assert.deepEqual(
    promqlMetricNames(
      'sum by (namespace, name) (increase(gitseal_drift_corrections_total{reason=~"a|b", x="sum(y)"}[15m])) > 10',
    ),
    ['gitseal_drift_corrections_total'],
  );
  assert.deepEqual(
    promqlMetricNames(
      'histogram_quantile(0.95, sum by (le) (rate(gitseal_reconcile_duration_seconds_bucket{kind="SealedSecret"}[$__rate_interval])))',
    ),
    ['gitseal_reconcile_duration_seconds_bucket'],
  );
  assert.deepEqual(
    promqlMetricNames(
      'gitseal_rsa_pool_busy_workers >= gitseal_rsa_pool_workers and sum without (priority) (gitseal_rsa_pool_queued_tasks) > 0',
    ),
    ['gitseal_rsa_pool_busy_workers', 'gitseal_rsa_pool_workers', 'gitseal_rsa_pool_queued_tasks'],
  );
  assert.deepEqual(
    promqlMetricNames('a / on (job) group_left (instance) b offset 5m or vector(0) unless c @ 1e3 and bool d'),
    ['a', 'b', 'c', 'd'],
  );
  assert.deepEqual(promqlMetricNames('sum(x) by (le)  # a comment naming not_a_metric\n + ${datasource_var}'), ['x']);
  assert.deepEqual(promqlMetricNames('max without (instance) (up) > on() count by(job)(y)'), ['up', 'y']);
  assert.deepEqual(promqlMetricNames('absent(gitseal_leader) and Inf > NaN'), ['gitseal_leader']);
});

test('promqlMetricNames refuses an unbalanced expression instead of guessing', () => {
  assert.throws(() => promqlMetricNames('sum(rate(x{a="b"[5m]))'), /unbalanced/);
  assert.throws(() => promqlMetricNames('x{a="b}'), /unterminated|unbalanced/);
});

test('histogramFamily maps _bucket, _sum and _count to the family', () => {
  assert.equal(histogramFamily('gitseal_reconcile_duration_seconds_bucket'), 'gitseal_reconcile_duration_seconds');
  assert.equal(histogramFamily('gitseal_reconcile_duration_seconds_count'), 'gitseal_reconcile_duration_seconds');
  assert.equal(histogramFamily('gitseal_leader'), undefined);
});
