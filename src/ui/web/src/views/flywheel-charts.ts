import type { FlywheelRoundRow } from '../../../api-types.ts';
import { AXIS, echarts } from '../charts.ts';
import { formatCount } from '../format.ts';

/** Series colours of the flywheel page; flags use the red of the sandbox-violation badge. */
export const FLYWHEEL_COLORS = {
  passAt1: '#3b5bdb',
  passAtK: '#7048e8',
  heldOut: '#0ca678',
  flagged: '#e03131',
  kept: '#4c6ef5',
  pairs: '#f59f00',
  diversity: '#1098ad',
};

/** `0.417`, or a dash where the round did not measure it. */
export function share(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(3);
}

/** `pass@4` when every round drew the same K, else `pass@K`. */
export function passAtKName(rounds: readonly FlywheelRoundRow[]): string {
  const ks = new Set(rounds.map((round) => round.figures.k));
  const [k] = ks;
  return ks.size === 1 && typeof k === 'number' ? `pass@${k}` : 'pass@K';
}

const roundLabels = (rounds: readonly FlywheelRoundRow[]) => rounds.map((round) => `round ${round.round}`);

const GRID = { left: 52, right: 56, top: 40, bottom: 32 };
const LEGEND = { top: 0, itemWidth: 12, itemHeight: 8 };

/**
 * Accuracy per round: pass@1 and pass@K on the round's train tasks, and greedy held-out accuracy
 * (what the collapse guard watches). Rounds the guard flagged carry a red triangle on the
 * held-out line (on pass@1 without a held-out split) and a dashed red line down the chart; the
 * tooltip gives the guard's reason. Every line series has one point per round, null where the
 * round did not measure it.
 */
export function accuracyOption(rounds: readonly FlywheelRoundRow[]): Record<string, unknown> {
  const line = (name: string, color: string, values: Array<number | null>) => ({
    name,
    type: 'line',
    data: values,
    color,
    symbolSize: 7,
    connectNulls: false,
  });
  const flagged = rounds.flatMap((round, index) => {
    if (round.status !== 'flagged') return [];
    const y = round.figures.heldOutAccuracy ?? round.figures.passAt1 ?? 0;
    return [[index, y]];
  });
  return {
    grid: GRID,
    legend: LEGEND,
    tooltip: { trigger: 'axis', confine: true, formatter: (params: AxisTooltipItem[]) => accuracyTooltip(rounds, params) },
    xAxis: { type: 'category', data: roundLabels(rounds), boundaryGap: false, ...AXIS },
    yAxis: { type: 'value', min: 0, max: 1, name: 'accuracy', ...AXIS },
    series: [
      line(
        'pass@1',
        FLYWHEEL_COLORS.passAt1,
        rounds.map((round) => round.figures.passAt1),
      ),
      line(
        passAtKName(rounds),
        FLYWHEEL_COLORS.passAtK,
        rounds.map((round) => round.figures.passAtK),
      ),
      {
        ...line(
          'held-out accuracy',
          FLYWHEEL_COLORS.heldOut,
          rounds.map((round) => round.figures.heldOutAccuracy),
        ),
        lineStyle: { width: 3 },
      },
      {
        name: 'flagged by the guard',
        type: 'scatter',
        data: flagged,
        color: FLYWHEEL_COLORS.flagged,
        symbol: 'triangle',
        symbolSize: 16,
        z: 5,
        markLine: {
          silent: true,
          symbol: 'none',
          label: { show: false },
          lineStyle: { color: FLYWHEEL_COLORS.flagged, type: 'dashed', opacity: 0.6 },
          data: flagged.map(([index]) => ({ xAxis: index })),
        },
      },
    ],
  };
}

interface AxisTooltipItem {
  seriesType: string;
  seriesName: string;
  marker: string;
  value: unknown;
  dataIndex: number;
}

/** The round's three accuracies, and the guard's reason when it flagged the round (stored text, so escaped). */
function accuracyTooltip(rounds: readonly FlywheelRoundRow[], params: AxisTooltipItem[]): string {
  const lines = params.filter((item) => item.seriesType === 'line');
  const round = rounds[lines[0]?.dataIndex ?? -1];
  if (!round) return '';
  const rows = lines.map(
    (item) => `${item.marker}${echarts.format.encodeHTML(item.seriesName)} <b>${share(item.value as number | null)}</b>`,
  );
  const reason = echarts.format.encodeHTML(round.message ?? 'by the collapse guard');
  const flag = round.status === 'flagged' ? [`<span style="color:${FLYWHEEL_COLORS.flagged}">flagged: ${reason}</span>`] : [];
  return [`round ${round.round}`, ...rows, ...flag].join('<br>');
}

/**
 * What each round kept: SFT examples and preference pairs as bars (left axis), and answer
 * diversity as a line (right axis, 0 to 1) with the guard's diversity floor dashed when there is one.
 */
export function keptOption(rounds: readonly FlywheelRoundRow[], minDiversity: number | null): Record<string, unknown> {
  const bar = (name: string, color: string, values: Array<number | null>) => ({
    name,
    type: 'bar',
    data: values,
    color,
    barMaxWidth: 28,
    tooltip: { valueFormatter: (value: number | null) => (value === null ? '–' : formatCount(value)) },
  });
  return {
    grid: GRID,
    legend: LEGEND,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'category', data: roundLabels(rounds), ...AXIS },
    yAxis: [
      { type: 'value', name: 'examples', minInterval: 1, ...AXIS },
      { type: 'value', name: 'diversity', min: 0, max: 1, ...AXIS, splitLine: { show: false } },
    ],
    series: [
      bar(
        'kept examples',
        FLYWHEEL_COLORS.kept,
        rounds.map((round) => round.figures.kept),
      ),
      bar(
        'preference pairs',
        FLYWHEEL_COLORS.pairs,
        rounds.map((round) => round.figures.pairs),
      ),
      {
        name: 'answer diversity',
        type: 'line',
        yAxisIndex: 1,
        data: rounds.map((round) => round.figures.answerDiversity),
        color: FLYWHEEL_COLORS.diversity,
        symbolSize: 7,
        tooltip: { valueFormatter: (value: number | null) => share(value) },
        ...(minDiversity === null
          ? {}
          : {
              markLine: {
                silent: true,
                symbol: 'none',
                lineStyle: { color: FLYWHEEL_COLORS.flagged, type: 'dashed', opacity: 0.7 },
                label: { formatter: `floor ${minDiversity}`, position: 'insideEndTop', color: FLYWHEEL_COLORS.flagged },
                data: [{ yAxis: minDiversity }],
              },
            }),
      },
    ],
  };
}
