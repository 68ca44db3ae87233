import type { FeatureAxis } from '../core/archive.ts';
import type { FeatureGrid } from '../core/feature-grid.ts';
import { runGrid, type IslandGrid } from './grid-cells.ts';
import type { Plot, PlotContext, PlotOutput } from './plot.ts';
import { plotConfig } from './run-data.ts';
import { colorBar, element, svgDocument, text, textColorOn, titleBlock } from './svg.ts';
import { EMPTY_CELL, HIGHLIGHT, MUTED, TEXT, formatNumber, scoreColor } from './theme.ts';

const TOP = 84;
const BOTTOM = 70;
const SIDE = 24;
const PANEL_TITLE = 22;
const AXIS_SPACE = { left: 64, bottom: 42 };
const MAX_COLUMNS = 4;
/** Room right of a panel for the labels of folded bands (third axis and beyond). */
const BAND_LABELS = 120;
/** Past this many cells a panel draws only its occupied ones, over one empty background. */
const DENSE_LIMIT = 10_000;

/** MAP-Elites heatmap: the best score in each cell of the feature grid, one panel per island. */
export const gridPlot: Plot = {
  name: 'grid',
  description: 'MAP-Elites grid: best score per cell, per island',
  render: renderGrid,
};

interface PanelGeometry {
  cellWidth: number;
  cellHeight: number;
  width: number;
  height: number;
}

function renderGrid(context: PlotContext): PlotOutput {
  const built = runGrid(context);
  if (!built) return { skipped: `the run's archive is ${plotConfig(context.run).archive.kind}, not map-elites, so it has no feature grid` };
  if ('skipped' in built) return built;
  const { grid: layout, islands, cells: grids } = built;
  const axes = layout.axes;
  const [columnAxis, rowAxis] = axes;
  if (!columnAxis) return { skipped: "the run's MAP-Elites archive has no feature axes (features: []): each island is a single cell" };
  let low = Infinity;
  let high = -Infinity;
  for (const grid of grids) {
    for (const score of grid.scores) {
      if (Number.isNaN(score)) continue;
      low = Math.min(low, score);
      high = Math.max(high, score);
    }
  }
  if (high === -Infinity) return { skipped: 'no ok evaluation has landed in the grid yet' };

  const { columns, rows } = layout;
  const cellWidth = Math.max(12, Math.min(52, Math.floor(380 / columns)));
  // Folded axes can make hundreds of rows: below 12 px a row only shrinks once the panel passes 1,200 px.
  const cellHeight = rowAxis ? Math.max(2, Math.min(12, Math.floor(1200 / rows)), Math.min(52, Math.floor(300 / rows))) : 34;
  const panelWidth = AXIS_SPACE.left + columns * cellWidth + 28 + (axes.length > 2 ? BAND_LABELS : 0);
  const panelHeight = PANEL_TITLE + rows * cellHeight + AXIS_SPACE.bottom + 16;
  const perRow = rowAxis ? Math.min(islands, MAX_COLUMNS) : 1;
  const panelRows = Math.ceil(islands / perRow);
  const panel: PanelGeometry = { cellWidth, cellHeight, width: panelWidth, height: panelHeight };
  const width = Math.max(700, SIDE * 2 + perRow * panelWidth);
  const height = TOP + panelRows * panelHeight + BOTTOM;
  const left = (width - perRow * panelWidth) / 2;

  const panels = grids.map((grid, index) => {
    const x = left + (index % perRow) * panelWidth;
    const y = TOP + Math.floor(index / perRow) * panelHeight;
    return element(
      'g',
      { transform: `translate(${Math.round(x)} ${Math.round(y)})` },
      drawPanel(grid, layout, panel, { low, high, best: high }).join(''),
    );
  });

  const filled = grids.reduce((sum, grid) => sum + grid.filled, 0);
  const subtitle = [
    `${context.run.experiment} · run ${context.run.id}`,
    `${islands} island${islands === 1 ? '' : 's'}, ${columns * rows} cells each, ${filled} filled`,
    ...(axes.length > 2
      ? [
          `axes after ${rowAxis?.name} fold into rows: each band of ${rowAxis?.bins} rows is one bin of ${axes
            .slice(2)
            .map((axis) => axis.name)
            .join(' × ')}`,
        ]
      : []),
  ].join(' · ');
  return {
    svg: svgDocument(width, height, [
      ...titleBlock('MAP-Elites grid: best score per cell', subtitle),
      ...panels,
      element('rect', { x: SIDE, y: height - 46, width: 14, height: 14, fill: EMPTY_CELL, stroke: '#ffffff' }),
      text(SIDE + 20, height - 35, 'empty cell', { 'font-size': 11, fill: MUTED }),
      element('rect', { x: SIDE + 110, y: height - 46, width: 14, height: 14, fill: 'none', stroke: HIGHLIGHT, 'stroke-width': 2 }),
      text(SIDE + 130, height - 35, 'best cell of the run', { 'font-size': 11, fill: MUTED }),
      ...colorBar(width - SIDE - 200, height - 50, 200, low, high, 'best score'),
    ]),
  };
}

function drawPanel(
  grid: IslandGrid,
  layout: FeatureGrid,
  panel: PanelGeometry,
  range: { low: number; high: number; best: number },
): string[] {
  const [columnAxis, rowAxis] = layout.axes as [FeatureAxis, FeatureAxis | undefined];
  const { columns, rows } = layout;
  const originX = AXIS_SPACE.left;
  const originY = PANEL_TITLE;
  const labelled = panel.cellWidth >= 40 && panel.cellHeight >= 22;
  const dense = columns * rows <= DENSE_LIMIT;
  const parts = [
    text(originX, 14, `island ${grid.island} · ${grid.filled} of ${columns * rows} cells`, { 'font-size': 12, 'font-weight': 'bold' }),
  ];
  if (!dense)
    parts.push(
      element('rect', { x: originX, y: originY, width: columns * panel.cellWidth, height: rows * panel.cellHeight, fill: EMPTY_CELL }),
    );
  for (let row = 0; row < rows; row++) {
    for (let column = 0; column < columns; column++) {
      const score = grid.scores[row * columns + column] as number;
      if (!dense && Number.isNaN(score)) continue;
      // Row 0 is the lowest bin, drawn at the bottom as on a plot's y axis.
      const x = originX + column * panel.cellWidth;
      const y = originY + (rows - 1 - row) * panel.cellHeight;
      const fill = Number.isNaN(score) ? EMPTY_CELL : scoreColor(score, range.low, range.high);
      const id = grid.ids[row * columns + column];
      parts.push(
        element(
          'rect',
          {
            x,
            y,
            width: panel.cellWidth,
            height: panel.cellHeight,
            fill,
            stroke: '#ffffff',
            'stroke-width': 1,
            class: Number.isNaN(score) ? 'empty' : 'cell',
            'data-id': id,
          },
          id ? element('title', {}, `${id}: ${formatNumber(score)}`) : '',
        ),
      );
      if (score === range.best) {
        parts.push(
          element('rect', {
            x: x + 1.5,
            y: y + 1.5,
            width: panel.cellWidth - 3,
            height: panel.cellHeight - 3,
            fill: 'none',
            stroke: HIGHLIGHT,
            'stroke-width': 2,
          }),
        );
      }
      if (labelled && !Number.isNaN(score)) {
        parts.push(
          text(x + panel.cellWidth / 2, y + panel.cellHeight / 2 + 3.5, formatNumber(score), {
            'font-size': 9,
            'text-anchor': 'middle',
            fill: textColorOn(fill),
          }),
        );
      }
    }
  }
  parts.push(...bands(layout, panel, originX, originY));
  const bottom = originY + rows * panel.cellHeight;
  parts.push(
    ...edgeLabels(columnAxis, panel.cellWidth, 34).map((label) =>
      text(originX + label.offset, bottom + 14, label.text, { 'font-size': 10, fill: MUTED, 'text-anchor': 'middle' }),
    ),
  );
  parts.push(text(originX + (columns * panel.cellWidth) / 2, bottom + 32, columnAxis.name, { 'font-size': 12, 'text-anchor': 'middle' }));
  if (rowAxis) {
    parts.push(
      ...edgeLabels(rowAxis, panel.cellHeight, 16).map((label) =>
        text(originX - 6, bottom - label.offset + 3.5, label.text, { 'font-size': 10, fill: MUTED, 'text-anchor': 'end' }),
      ),
    );
    const middle = originY + (rows * panel.cellHeight) / 2;
    parts.push(text(16, middle, rowAxis.name, { 'font-size': 12, 'text-anchor': 'middle', transform: `rotate(-90 16 ${middle})` }));
  }
  parts.push(
    element('rect', {
      x: originX,
      y: originY,
      width: columns * panel.cellWidth,
      height: rows * panel.cellHeight,
      fill: 'none',
      stroke: TEXT,
      'stroke-width': 0.6,
    }),
  );
  return parts;
}

/**
 * With a third axis or more, the rows come in bands of the second axis's bins, one band per bin
 * of the axes after it: a line between bands, and each band's bins named on its right. The
 * second axis's edge labels belong to the bottom band (they repeat in each).
 */
function bands(layout: FeatureGrid, panel: PanelGeometry, originX: number, originY: number): string[] {
  const [, rowAxis, ...outer] = layout.axes;
  if (!rowAxis || outer.length === 0) return [];
  const parts: string[] = [];
  const height = rowAxis.bins * panel.cellHeight;
  const right = originX + layout.columns * panel.cellWidth;
  for (let start = 0; start < layout.rows; start += rowAxis.bins) {
    const top = originY + (layout.rows - start - rowAxis.bins) * panel.cellHeight;
    if (start > 0)
      parts.push(element('line', { x1: originX, x2: right, y1: top + height, y2: top + height, stroke: TEXT, 'stroke-width': 1 }));
    if (height < 11) continue;
    const bins = layout.rowBins(start).slice(1);
    const label = outer.map((axis, index) => `${axis.name} ${binRange(axis, bins[index] as number)}`).join(', ');
    parts.push(text(right + 6, top + height / 2 + 3.5, label, { 'font-size': 9, fill: MUTED }));
  }
  return parts;
}

function binRange(axis: FeatureAxis, bin: number): string {
  const width = (axis.max - axis.min) / axis.bins;
  return `${formatNumber(axis.min + bin * width)}–${formatNumber(axis.min + (bin + 1) * width)}`;
}

/** Labels at bin edges, skipping edges so that labels at least `spacing` apart do not overlap. */
function edgeLabels(axis: FeatureAxis, cellSize: number, spacing: number): Array<{ offset: number; text: string }> {
  const every = Math.max(1, Math.ceil(spacing / cellSize));
  const labels: Array<{ offset: number; text: string }> = [];
  for (let edge = 0; edge <= axis.bins; edge += every) {
    labels.push({ offset: edge * cellSize, text: formatNumber(axis.min + ((axis.max - axis.min) * edge) / axis.bins) });
  }
  return labels;
}
