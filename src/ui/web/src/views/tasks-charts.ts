import type { TasksRunDetail } from '../../../api-types.ts';
import { AXIS, echarts } from '../charts.ts';
import { ISLAND_COLORS } from '../colors.ts';
import { formatCount } from '../format.ts';

/** Colours of the task pages: kept green, rejections red, the learnability band a pale green. */
export const TASKS_COLORS = {
  kept: '#0ca678',
  rejected: '#e03131',
  unparseable: '#868e96',
  passRate: '#3b5bdb',
  band: 'rgba(12, 166, 120, 0.12)',
  bandEdge: '#0ca678',
};

const GRID = { left: 52, right: 24, top: 40, bottom: 36 };

/** `0.42`, or a dash where there is nothing to show. */
export function rate(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(2);
}

/**
 * What became of the proposals: one horizontal bar for the kept ones and one per reject reason,
 * every reason the validator knows listed (a zero bar says that check never fired).
 */
export function outcomesOption(detail: TasksRunDetail): Record<string, unknown> {
  const labels = ['kept', ...detail.rejectedByReason.map((entry) => entry.reason)];
  const values = [detail.run.kept, ...detail.rejectedByReason.map((entry) => entry.count)];
  const colorOf = (label: string) =>
    label === 'kept' ? TASKS_COLORS.kept : label === 'unparseable' ? TASKS_COLORS.unparseable : TASKS_COLORS.rejected;
  return {
    grid: { ...GRID, left: 120, top: 16 },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (value: number) => formatCount(value) },
    xAxis: { type: 'value', name: 'proposals', nameLocation: 'middle', nameGap: 24, minInterval: 1, ...AXIS },
    // The first label at the top.
    yAxis: { type: 'category', data: labels, inverse: true, ...AXIS },
    series: [
      {
        name: 'proposals',
        type: 'bar',
        data: values.map((value, index) => ({ value, itemStyle: { color: colorOf(labels[index] as string) } })),
        barMaxWidth: 18,
        label: {
          show: true,
          position: 'right',
          color: '#495057',
          formatter: ({ value }: { value: number }) => (value ? formatCount(value) : ''),
        },
      },
    ],
  };
}

/**
 * The kept tasks' pass rates in tenths, as bars on a value axis from 0 to 1 so that the
 * learnability band can be shaded at its true bounds (it need not fall on a bin's edge).
 */
export function passRateOption(passRates: TasksRunDetail['passRates']): Record<string, unknown> {
  const { band } = passRates;
  return {
    grid: GRID,
    tooltip: {
      trigger: 'item',
      formatter: ({ dataIndex }: { dataIndex: number }) => {
        const bin = passRates.bins[dataIndex];
        if (!bin) return '';
        const close = bin.to === 1 ? ']' : ')';
        const tasks = `<b>${formatCount(bin.tasks)}</b> task${bin.tasks === 1 ? '' : 's'}`;
        return `pass rate [${bin.from.toFixed(1)}, ${bin.to.toFixed(1)}${close}<br>${tasks}`;
      },
    },
    xAxis: { type: 'value', min: 0, max: 1, interval: 0.1, name: 'pass rate', nameLocation: 'middle', nameGap: 24, ...AXIS },
    yAxis: { type: 'value', name: 'tasks', minInterval: 1, ...AXIS },
    series: [
      {
        name: 'tasks',
        type: 'bar',
        data: passRates.bins.map((bin) => [(bin.from + bin.to) / 2, bin.tasks]),
        color: TASKS_COLORS.passRate,
        barWidth: '90%',
        ...(band
          ? {
              markArea: {
                silent: true,
                itemStyle: { color: TASKS_COLORS.band, borderColor: TASKS_COLORS.bandEdge, borderWidth: 1, borderType: 'dashed' },
                label: {
                  show: true,
                  position: 'insideTop',
                  color: TASKS_COLORS.bandEdge,
                  formatter: `learnable (${band.low}, ${band.high})`,
                },
                data: [[{ xAxis: band.low }, { xAxis: band.high }]],
              },
            }
          : {}),
      },
    ],
  };
}

/** The colour of the n-th category of the curriculum chart. */
export function categoryColor(index: number): string {
  return ISLAND_COLORS[index % ISLAND_COLORS.length] as string;
}

/**
 * Each curriculum arm's weight at each step: one line per category key, broken where a step did
 * not weigh that arm. The tooltip names the arm the step picked and what it earned.
 */
export function curriculumOption(curriculum: TasksRunDetail['curriculum']): Record<string, unknown> {
  return {
    grid: { ...GRID, top: 56 },
    legend: { type: 'scroll', top: 0, itemWidth: 12, itemHeight: 8 },
    tooltip: {
      trigger: 'axis',
      confine: true,
      formatter: (params: Array<{ dataIndex: number; marker: string; seriesName: string; value: number | null }>) => {
        const index = params[0]?.dataIndex ?? -1;
        const step = curriculum.steps[index];
        if (step === undefined) return '';
        const encode = echarts.format.encodeHTML;
        const rows = params
          .filter((item) => item.value !== null)
          .map((item) => `${item.marker}${encode(item.seriesName)} <b>${rate(item.value)}</b>`);
        const picked = `picked ${encode(curriculum.picked[index] ?? '?')}, reward ${rate(curriculum.rewards[index])}`;
        return [`step ${step}`, ...rows, picked].join('<br>');
      },
    },
    xAxis: { type: 'category', data: curriculum.steps.map(String), name: 'step', nameLocation: 'middle', nameGap: 24, ...AXIS },
    // Headroom above the heaviest arm, so that a point at the top is not cut by the grid's edge.
    yAxis: { type: 'value', min: 0, boundaryGap: [0, '10%'], name: 'weight', ...AXIS },
    series: curriculum.categories.map((series, index) => ({
      name: series.category,
      type: 'line',
      data: series.weights,
      color: categoryColor(index),
      showSymbol: curriculum.steps.length <= 60,
      symbolSize: 6,
      connectNulls: false,
    })),
  };
}
