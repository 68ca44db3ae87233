import type { CandidateEvent, RunOverview } from '../../../api-types.ts';
import { AXIS, type Chart } from '../charts.ts';
import { BEST_COLOR, TARGET_COLOR, islandColor, statusColor } from '../colors.ts';
import { formatScore } from '../format.ts';

/** The evaluations behind the score chart, in commit order; live events append to it. */
export interface ScoreData extends Pick<RunOverview['evaluations'], 'seq' | 'score' | 'status' | 'island' | 'operator' | 'elapsedMs'> {
  islands: number;
  target: number | null;
  bestKnown: { score: number; source: string } | null;
}

export function scoreData(overview: RunOverview): ScoreData {
  const { seq, score, status, island, operator, elapsedMs } = overview.evaluations;
  return {
    seq: [...seq],
    score: [...score],
    status: [...status],
    island: [...island],
    operator: [...operator],
    elapsedMs: [...elapsedMs],
    islands: island.reduce((most, value) => Math.max(most, value + 1), overview.archive?.islands ?? 1),
    target: overview.targetScore,
    bestKnown: overview.bestKnown,
  };
}

export function appendEvent(data: ScoreData, event: CandidateEvent): void {
  data.seq.push(event.seq);
  data.score.push(event.status === 'ok' ? event.score : null);
  data.status.push(event.status);
  data.island.push(event.island);
  data.operator.push(event.operator);
  data.elapsedMs.push(event.elapsedMs);
  data.islands = Math.max(data.islands, event.island + 1);
}

/** Each series' candidate seqs by point, so a click finds its candidate. */
export type PointIndex = number[][];

/**
 * The chart's series: best so far as a step line through its improvements only, every ok
 * evaluation as a point per island, and failures as triangles along the bottom edge.
 */
export function scoreSeries(data: ScoreData): { series: unknown[]; index: PointIndex; floor: number | null } {
  const okScores = data.score.filter((score): score is number => score !== null && Number.isFinite(score));
  const floor = robustFloor(okScores);
  const best: Array<[number, number]> = [];
  let running = -Infinity;
  const groups = new Map<string, { name: string; color: string; symbol: string; points: Array<[number, number]>; seqs: number[] }>();
  const perIsland = data.islands > 1;
  for (let i = 0; i < data.seq.length; i++) {
    const score = data.score[i];
    const status = data.status[i] as string;
    const ok = status === 'ok' && score !== null && score !== undefined && Number.isFinite(score);
    const key = ok ? (perIsland ? `island ${data.island[i]}` : 'ok') : status;
    let group = groups.get(key);
    if (!group) {
      const color = ok ? (perIsland ? islandColor(data.island[i] as number) : statusColor('ok')) : statusColor(status);
      group = { name: key, color, symbol: ok ? 'circle' : 'triangle', points: [], seqs: [] };
      groups.set(key, group);
    }
    const y = ok ? (score as number) : (floor ?? 0);
    group.points.push([i + 1, floor !== null ? Math.max(y, floor) : y]);
    group.seqs.push(data.seq[i] as number);
    if (ok && (score as number) > running) {
      if (best.length) best.push([i + 1, running]);
      running = score as number;
      best.push([i + 1, running]);
    }
  }
  if (best.length) best.push([data.seq.length, running]);
  const marks = [
    ...(data.target !== null ? [{ name: 'target', yAxis: data.target, label: { formatter: `target ${formatScore(data.target)}` } }] : []),
    ...(data.bestKnown
      ? [
          {
            name: 'best known',
            yAxis: data.bestKnown.score,
            label: { formatter: `best known ${formatScore(data.bestKnown.score)} (${data.bestKnown.source})` },
          },
        ]
      : []),
  ];
  const ordered = [...groups.values()].sort((a, b) => order(a.name) - order(b.name));
  const series: unknown[] = [
    {
      name: 'best so far',
      type: 'line',
      data: best,
      showSymbol: false,
      z: 5,
      silent: true,
      color: BEST_COLOR,
      lineStyle: { width: 2.5, color: BEST_COLOR },
      markLine: marks.length
        ? {
            symbol: 'none',
            silent: true,
            lineStyle: { color: TARGET_COLOR, type: 'dashed', width: 1.5 },
            label: { position: 'insideEndTop', color: TARGET_COLOR },
            data: marks,
          }
        : undefined,
    },
  ];
  const index: PointIndex = [[]];
  // Dense runs get small, translucent points so the cloud shows where evaluations concentrate.
  const size = data.seq.length > 20_000 ? 2.5 : data.seq.length > 2000 ? 4 : 6;
  const opacity = data.seq.length > 20_000 ? 0.5 : 0.75;
  for (const group of ordered) {
    series.push({
      name: group.name,
      type: 'scatter',
      data: group.points,
      symbol: group.symbol,
      symbolSize: group.symbol === 'circle' ? size : size + 1,
      color: group.color,
      itemStyle: { opacity },
      large: true,
      largeThreshold: 2000,
      progressive: 20_000,
      cursor: 'pointer',
    });
    index.push(group.seqs);
  }
  return { series, index, floor };
}

function order(name: string): number {
  if (name === 'ok') return 0;
  if (name.startsWith('island ')) return Number(name.slice(7));
  return 1000 + ['invalid', 'error', 'timeout'].indexOf(name);
}

/**
 * Where to draw failures and where the axis should start: just below the ok scores, but above
 * far outliers (a few catastrophic children would otherwise flatten the climb).
 */
function robustFloor(scores: number[]): number | null {
  if (!scores.length) return null;
  const sorted = [...scores].sort((a, b) => a - b);
  const low = sorted[Math.floor(sorted.length * 0.05)] as number;
  const high = sorted[sorted.length - 1] as number;
  const span = high - low || Math.abs(high) || 1;
  const min = Math.max(sorted[0] as number, low - span * 0.5) - span * 0.04;
  const step = 10 ** Math.floor(Math.log10(span / 5));
  return Math.floor(min / step) * step;
}

export function scoreOption(data: ScoreData): { option: Record<string, unknown>; index: PointIndex } {
  const { series, index, floor } = scoreSeries(data);
  const marks = [data.target, data.bestKnown?.score].filter((value): value is number => value !== null && value !== undefined);
  return {
    index,
    option: {
      grid: { left: 64, right: 24, top: 44, bottom: 72 },
      legend: { top: 4, itemWidth: 14, itemHeight: 10 },
      tooltip: { trigger: 'item', confine: true, formatter: (params: TooltipParams) => tooltip(params, data, index) },
      xAxis: { type: 'value', name: 'evaluation', nameLocation: 'middle', nameGap: 28, min: 0, max: 'dataMax', ...AXIS },
      yAxis: {
        type: 'value',
        name: 'score',
        scale: true,
        ...AXIS,
        axisLabel: { ...AXIS.axisLabel, showMinLabel: floor === null, formatter: (value: number) => formatScore(value) },
        min: floor ?? undefined,
        max: marks.length ? (extent: { max: number }) => Math.max(extent.max, ...marks) : undefined,
      },
      dataZoom: [
        { type: 'inside', xAxisIndex: 0 },
        { type: 'slider', xAxisIndex: 0, height: 16, bottom: 6 },
      ],
      series,
    },
  };
}

type TooltipParams = { seriesIndex: number; dataIndex: number; seriesName: string; value: [number, number] };

function tooltip(params: TooltipParams, data: ScoreData, index: PointIndex): string {
  if (params.seriesIndex === 0) return `best so far after evaluation ${params.value[0]}: <b>${formatScore(params.value[1])}</b>`;
  const seq = index[params.seriesIndex]?.[params.dataIndex];
  const position = params.value[0] - 1;
  const status = data.status[position] ?? '';
  const score = status === 'ok' ? formatScore(data.score[position]) : status;
  const operator = escapeHtml(data.operator[position] ?? '');
  return `candidate #${seq} · island ${data.island[position]}<br>${operator}<br><b>${escapeHtml(score)}</b>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

export function onPointClick(chart: Chart, index: () => PointIndex, open: (seq: number) => void): void {
  chart.on('click', (params) => {
    const seq = index()[params.seriesIndex ?? -1]?.[params.dataIndex];
    if (params.seriesType === 'scatter' && seq !== undefined) open(seq);
  });
}
