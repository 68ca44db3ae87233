import type { EChartsOption } from 'echarts';
import { thinPoints, type Point } from './downsample.ts';
import type { Plot, PlotCandidate, PlotContext, PlotOutput } from './plot.ts';
import { niceScale, renderChart } from './render.ts';
import { plotConfig } from './run-data.ts';
import { FAILED, FONT_FAMILY, MUTED, TEXT, baseOption, formatNumber, paletteColor, titleOption, valueAxis } from './theme.ts';

const WIDTH = 880;
const HEIGHT = 520;
const GRID = { left: 80, right: 36, top: 84, bottom: 92 };
/** Most evaluation points drawn; the best-so-far line is always exact. */
export const MAX_POINTS = 5000;

/** Best score so far over evaluations, every ok evaluation as a point, failures along the bottom. */
export const scorePlot: Plot = {
  name: 'score',
  description: 'best score so far and every evaluation, over evaluations',
  render: renderScore,
};

/** The best-so-far curve as its steps: the first point, each improvement, and the last evaluation. */
export function bestSoFar(candidates: readonly PlotCandidate[]): Point[] {
  const steps: Point[] = [];
  let best = -Infinity;
  candidates.forEach((candidate, index) => {
    if (candidate.score !== undefined && candidate.score > best) {
      best = candidate.score;
      steps.push([index + 1, best]);
    }
  });
  const last = steps.at(-1);
  if (last && last[0] < candidates.length) steps.push([candidates.length, last[1]]);
  return steps;
}

/**
 * The lowest score on the axis. A few very bad scores (a candidate that scored -1e9) would squash
 * everything else into a line, so when the worst 2% lie far below the rest they fall off the axis
 * and the subtitle counts them.
 */
export function scoreFloor(sortedScores: readonly number[], top: number): number {
  const lowest = sortedScores[0] ?? 0;
  const robust = sortedScores[Math.floor(sortedScores.length * 0.02)] ?? lowest;
  const span = Math.max(top - robust, Math.abs(robust) * 1e-9, 1e-12);
  return lowest < robust - span ? robust - span * 0.1 : lowest;
}

function renderScore(context: PlotContext): PlotOutput {
  const candidates = context.candidates();
  if (candidates.length === 0) return { skipped: 'the run has no evaluations yet' };
  const config = plotConfig(context.run);
  const steps = bestSoFar(candidates);
  const scores = candidates.flatMap((candidate) => (candidate.score === undefined ? [] : [candidate.score])).sort((a, b) => a - b);
  const references = [config.bestKnown?.score, config.targetScore].filter((value) => value !== undefined);
  const top = Math.max(scores.at(-1) ?? 0, ...references);
  const floor = Math.min(scoreFloor(scores, top), ...references);
  const y = niceScale(floor, top);
  // Evaluations are counted in whole numbers: at least five on the axis, so ticks never fall between.
  const x = niceScale(0, Math.max(5, candidates.length));
  const width = WIDTH - GRID.left - GRID.right;
  const height = HEIGHT - GRID.top - GRID.bottom;

  const islands =
    config.archive.kind === 'map-elites' ? [...new Set(candidates.map((candidate) => candidate.island))].sort((a, b) => a - b) : [0];
  const byIsland = new Map<number, Point[]>(islands.map((island) => [island, []]));
  const failed: Point[] = [];
  let belowAxis = 0;
  candidates.forEach((candidate, index) => {
    // Failures sit in a strip just above the x axis, 3.5 px up, whatever the scale.
    if (candidate.score === undefined) failed.push([index + 1, y.min + (3.5 * (y.max - y.min)) / height]);
    else if (candidate.score < y.min) belowAxis++;
    else byIsland.get(islands.length > 1 ? candidate.island : (islands[0] as number))?.push([index + 1, candidate.score]);
  });
  const viewport = { xMin: x.min, xMax: x.max, yMin: y.min, yMax: y.max, width, height };
  const perSeries = Math.floor(MAX_POINTS / islands.length);
  const drawn = [...byIsland].map(([island, points]) => ({ island, points: thinPoints(points, viewport, perSeries) }));
  const shown = drawn.reduce((sum, series) => sum + series.points.length, 0);
  const okCount = scores.length;
  const best = steps.at(-1)?.[1];

  const subtitle = [
    `${context.run.experiment} · run ${context.run.id}`,
    `${candidates.length.toLocaleString('en-US')} evaluation${candidates.length === 1 ? '' : 's'} ` +
      `(${(candidates.length - okCount).toLocaleString('en-US')} failed)`,
    best === undefined ? 'no ok evaluation' : `best ${formatNumber(best)}`,
    ...(shown < okCount - belowAxis
      ? [`${shown.toLocaleString('en-US')} of ${(okCount - belowAxis).toLocaleString('en-US')} points drawn`]
      : []),
    ...(belowAxis > 0 ? [`${belowAxis.toLocaleString('en-US')} below ${formatNumber(y.min)} not shown`] : []),
  ].join(' · ');

  const names = [
    ...drawn.map(({ island }) => (islands.length > 1 ? `island ${island}` : 'evaluation')),
    ...(failed.length > 0 ? [`failed (${failed.length.toLocaleString('en-US')})`] : []),
  ];
  const option: EChartsOption = {
    ...baseOption(),
    title: titleOption('Score over evaluations', subtitle),
    grid: { ...GRID, containLabel: false },
    // The line's icon is a bar, not the default circle on a line: the series draws no symbols.
    legend: {
      data: [...names, { name: 'best so far', icon: 'path://M0 0H30V4H0Z' }],
      bottom: 10,
      itemGap: 18,
      textStyle: { fontFamily: FONT_FAMILY, color: TEXT, fontSize: 12 },
    },
    xAxis: valueAxis('evaluation', x, 30),
    yAxis: valueAxis('score', y, 56),
    series: [
      ...drawn.map(({ island, points }, index) => ({
        type: 'scatter' as const,
        name: names[index] as string,
        data: points,
        symbolSize: 4,
        // One path per series instead of one element per point: a quarter of the bytes.
        large: true,
        largeThreshold: 1,
        itemStyle: { color: paletteColor(island), opacity: 0.55 },
        z: 2,
      })),
      ...(failed.length > 0
        ? [
            {
              type: 'scatter' as const,
              name: names.at(-1) as string,
              data: thinPoints(failed, { ...viewport, height: 1 }, Math.floor(MAX_POINTS / 4)),
              symbol: 'rect',
              symbolSize: [1.5, 7],
              large: true,
              largeThreshold: 1,
              itemStyle: { color: FAILED, opacity: 0.45 },
              z: 1,
            },
          ]
        : []),
      {
        type: 'line' as const,
        name: 'best so far',
        data: steps,
        step: 'end' as const,
        symbol: 'none',
        lineStyle: { color: TEXT, width: 2.2 },
        itemStyle: { color: TEXT },
        z: 4,
        markLine: referenceLines(config.bestKnown, config.targetScore),
      },
    ],
  };
  return { svg: renderChart(option, WIDTH, HEIGHT) };
}

function referenceLines(bestKnown: { score: number; source: string } | undefined, target: number | undefined) {
  const lines = [
    ...(bestKnown
      ? [
          {
            yAxis: bestKnown.score,
            label: `best known ${formatNumber(bestKnown.score)}${bestKnown.source ? ` (${bestKnown.source})` : ''}`,
            color: MUTED,
          },
        ]
      : []),
    ...(target !== undefined ? [{ yAxis: target, label: `target ${formatNumber(target)}`, color: '#009e73' }] : []),
  ];
  if (lines.length === 0) return undefined;
  return {
    silent: true,
    symbol: 'none',
    data: lines.map((line) => ({
      yAxis: line.yAxis,
      lineStyle: { type: 'dashed' as const, color: line.color, width: 1.5 },
      label: { formatter: line.label, position: 'insideEndTop' as const, color: line.color, fontFamily: FONT_FAMILY, fontSize: 12 },
    })),
  };
}
