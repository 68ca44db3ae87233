import type { Grid } from '../../../api-types.ts';
import { api } from '../api.ts';
import { AXIS, createChart, whenRendered } from '../charts.ts';
import { SCORE_GRADIENT } from '../colors.ts';
import { clear, empty, h, section } from '../dom.ts';
import { formatScore } from '../format.ts';
import { markReady } from '../hooks.ts';
import type { ViewContext } from '../view.ts';
import { findRun, runHeader } from './run-header.ts';

type Cell = Grid['cells'][number];
type Feature = Grid['features'][number];

/** `#/run/<id>/grid`: the best score in each MAP-Elites cell, per island; a cell opens its elite. */
export async function showGrid(context: ViewContext, runId: string): Promise<void> {
  const [runs, grid] = await Promise.all([api.runs(), api.grid(runId)]);
  if (!context.current()) return;
  clear(context.root);
  document.title = `Grid · ${runId} · Ouroboros`;
  const run = findRun(runs, runId);
  if (run) context.root.append(runHeader(run, 'grid').element);
  if (!grid) {
    context.root.append(section('MAP-Elites grid', empty("This run's archive is not a MAP-Elites grid, so there are no cells to show.")));
    markReady('grid');
    return;
  }
  const [xFeature, yFeature] = grid.features;
  if (!xFeature) {
    context.root.append(section('MAP-Elites grid', empty('The archive has no feature axes.')));
    markReady('grid');
    return;
  }
  const scores = grid.cells.map((cell) => cell.score).sort((a, b) => a - b);
  const range = { min: scores[Math.floor(scores.length * 0.1)] ?? 0, max: scores[scores.length - 1] ?? 1 };
  const cellCount = grid.features.reduce((product, feature) => product * feature.bins, 1) * grid.islands;
  const occupied = `${grid.cells.length} of ${cellCount} cells occupied`;
  const charts: Array<{ element: HTMLElement; option: Record<string, unknown>; cells: Cell[] }> = [];
  if (!yFeature) {
    // One axis: islands become the rows of a single map.
    const element = h('div', { class: 'chart chart-grid', id: 'grid-chart', style: `height:${Math.max(240, 100 + 48 * grid.islands)}px` });
    const islands = Array.from({ length: grid.islands }, (_, island) => `island ${island}`);
    charts.push({
      element,
      cells: grid.cells,
      option: heatmap(grid.cells, binLabels(xFeature), islands, xFeature.name, '', range, (cell) => cell.island),
    });
    context.root.append(section('MAP-Elites grid', h('p', { class: 'hint' }, `${occupied}. Click a cell to open its elite.`), element));
  } else {
    const blocks: HTMLElement[] = [];
    for (let island = 0; island < grid.islands; island++) {
      const element = h('div', { class: 'chart chart-grid', id: island === 0 ? 'grid-chart' : `grid-chart-${island}` });
      const cells = grid.cells.filter((cell) => cell.island === island);
      charts.push({
        element,
        cells,
        option: heatmap(
          cells,
          binLabels(xFeature),
          rowLabels(grid.features.slice(1)),
          xFeature.name,
          rowName(grid.features.slice(1)),
          range,
          (cell) => cell.y,
        ),
      });
      blocks.push(h('div', { class: 'grid-island' }, h('h3', {}, `Island ${island}`), element));
    }
    context.root.append(
      section(
        'MAP-Elites grid',
        h('p', { class: 'hint' }, `${occupied}. Click a cell to open its elite.`),
        h('div', { class: 'grid-islands' }, ...blocks),
      ),
    );
  }
  let pending = charts.length;
  for (const entry of charts) {
    const { chart, dispose } = createChart(entry.element);
    context.onLeave(dispose);
    whenRendered(chart, () => {
      if (--pending === 0) markReady('grid');
    });
    chart.setOption(entry.option);
    chart.on('click', (params) => {
      const cell = entry.cells[params.dataIndex];
      if (cell) location.hash = `#/candidate/${encodeURIComponent(cell.candidate)}`;
    });
  }
}

function binLabels(feature: Feature): string[] {
  const width = (feature.max - feature.min) / feature.bins;
  const round = (value: number) => Number(value.toPrecision(3));
  return Array.from({ length: feature.bins }, (_, bin) => `${round(feature.min + bin * width)}–${round(feature.min + (bin + 1) * width)}`);
}

/**
 * The labels of the folded rows: the second axis runs up the rows, and each further axis stacks
 * bands of them (the server's row y is bin1 + bins1 * (bin2 + bins2 * ...)).
 */
function rowLabels(features: Feature[]): string[] {
  const named = features.length > 1;
  let labels = [''];
  for (const feature of features) {
    const bins = binLabels(feature).map((label) => (named ? `${feature.name} ${label}` : label));
    labels = bins.flatMap((bin) => labels.map((lower) => (lower ? `${lower} · ${bin}` : bin)));
  }
  return labels;
}

/** The y-axis title: the second axis, and the axes that band its rows. */
function rowName(features: Feature[]): string {
  return features.map((feature) => feature.name).join(' · ');
}

function heatmap(
  cells: Cell[],
  xLabels: string[],
  yLabels: string[],
  xName: string,
  yName: string,
  range: { min: number; max: number },
  row: (cell: Cell) => number,
): Record<string, unknown> {
  const showLabels = xLabels.length * yLabels.length <= 400;
  return {
    grid: { left: 80, right: 140, top: 16, bottom: 48 },
    tooltip: {
      formatter: (params: { dataIndex: number }) => {
        const cell = cells[params.dataIndex];
        return cell ? `${escapeHtml(cell.candidate)}<br>score <b>${formatScore(cell.score)}</b>` : '';
      },
    },
    xAxis: { type: 'category', data: xLabels, name: xName, nameLocation: 'middle', nameGap: 28, ...AXIS },
    yAxis: {
      type: 'category',
      data: yLabels,
      name: yName,
      nameLocation: 'end',
      splitArea: { show: true, areaStyle: { color: ['#f8f9fa', '#f1f3f5'] } },
      ...AXIS,
    },
    visualMap: {
      min: range.min,
      max: range.max === range.min ? range.min + 1 : range.max,
      calculable: true,
      orient: 'vertical',
      right: 8,
      top: 'middle',
      itemHeight: 140,
      inRange: { color: SCORE_GRADIENT },
      text: ['best', 'worse'],
      formatter: (value: number) => formatScore(value),
    },
    series: [
      {
        type: 'heatmap',
        cursor: 'pointer',
        data: cells.map((cell) => [cell.x, row(cell), cell.score]),
        label: { show: showLabels, color: '#fff', fontSize: 10, formatter: (params: { value: number[] }) => formatScore(params.value[2]) },
        itemStyle: { borderColor: '#fff', borderWidth: 2, borderRadius: 3 },
        emphasis: { itemStyle: { borderColor: '#212529', borderWidth: 2 } },
      },
    ],
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
