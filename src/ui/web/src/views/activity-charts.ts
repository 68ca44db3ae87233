import type { RunOverview } from '../../../api-types.ts';
import { AXIS } from '../charts.ts';
import { STATUS_COLORS } from '../colors.ts';
import { formatDuration, formatUsd } from '../format.ts';

const NICE_STEPS = [0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21_600, 43_200, 86_400].map(
  (seconds) => seconds * 1000,
);

/** Evaluations per time bucket, ok and failed stacked. */
export function throughputOption(elapsedMs: number[], status: string[]): Record<string, unknown> {
  const last = elapsedMs.reduce((most, value) => Math.max(most, value), 0);
  const bucketMs = NICE_STEPS.find((step) => last / step <= 60) ?? Math.ceil(last / 60);
  const buckets = Math.max(1, Math.floor(last / bucketMs) + 1);
  const ok = new Array<number>(buckets).fill(0);
  const failed = new Array<number>(buckets).fill(0);
  for (let i = 0; i < elapsedMs.length; i++) {
    const bucket = Math.min(buckets - 1, Math.floor((elapsedMs[i] as number) / bucketMs));
    if (status[i] === 'ok') ok[bucket] = (ok[bucket] as number) + 1;
    else failed[bucket] = (failed[bucket] as number) + 1;
  }
  const labels = ok.map((_, bucket) => formatDuration(bucket * bucketMs));
  return {
    grid: { left: 48, right: 16, top: 36, bottom: 32 },
    legend: { top: 0, itemWidth: 10, itemHeight: 10 },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'category', data: labels, ...AXIS, axisLabel: { ...AXIS.axisLabel, hideOverlap: true } },
    yAxis: { type: 'value', name: `per ${formatDuration(bucketMs)}`, minInterval: 1, ...AXIS },
    series: [
      { name: 'ok', type: 'bar', stack: 'evaluations', data: ok, color: STATUS_COLORS.ok, barMaxWidth: 24 },
      { name: 'failed', type: 'bar', stack: 'evaluations', data: failed, color: STATUS_COLORS.error, barMaxWidth: 24 },
    ],
  };
}

/** Cumulative model spend (dollars, left) and tokens (right) over elapsed time. */
export function spendOption(spend: RunOverview['spend']): Record<string, unknown> {
  const cost = spend.elapsedMs.map((at, i) => [at, spend.costUsd[i]]);
  const tokens = spend.elapsedMs.map((at, i) => [at, spend.tokens[i]]);
  // Evaluators that call a model (context.models) spend too: their share is drawn apart when there is one.
  const tasks = spend.taskCostUsd.at(-1) ? [spend.elapsedMs.map((at, i) => [at, spend.taskCostUsd[i]])] : [];
  return {
    grid: { left: 64, right: 64, top: 36, bottom: 32 },
    legend: { top: 0, itemWidth: 10, itemHeight: 10 },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'value', min: 0, ...AXIS, axisLabel: { ...AXIS.axisLabel, formatter: (value: number) => formatDuration(value) } },
    yAxis: [
      {
        type: 'value',
        name: 'USD',
        ...AXIS,
        axisLabel: { ...AXIS.axisLabel, formatter: (value: number) => `$${Number(value.toPrecision(3))}` },
      },
      { type: 'value', name: 'tokens', ...AXIS, splitLine: { show: false } },
    ],
    series: [
      {
        name: 'spend',
        type: 'line',
        tooltip: { valueFormatter: (value: number) => formatUsd(value) },
        step: 'end',
        data: cost,
        showSymbol: false,
        color: '#e8590c',
        areaStyle: { opacity: 0.08 },
        sampling: 'lttb',
      },
      { name: 'tokens', type: 'line', step: 'end', yAxisIndex: 1, data: tokens, showSymbol: false, color: '#7048e8', sampling: 'lttb' },
      ...tasks.map((data) => ({
        name: 'of which evaluation (task calls)',
        type: 'line',
        tooltip: { valueFormatter: (value: number) => formatUsd(value) },
        step: 'end',
        data,
        showSymbol: false,
        color: '#2b8a3e',
        lineStyle: { type: 'dashed' },
        sampling: 'lttb',
      })),
    ],
  };
}
