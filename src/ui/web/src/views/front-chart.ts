import type { FrontCandidate, ParetoFront } from '../../../api-types.ts';
import { AXIS } from '../charts.ts';
import { SCORE_GRADIENT } from '../colors.ts';
import { formatScore } from '../format.ts';

/** Pixels per row of the heat map. */
const ROW_HEIGHT = 26;
/** Above this many columns, instance names turn on their side; above the second, some are skipped. */
const UPRIGHT_COLUMNS = 12;
const EVERY_LABEL_COLUMNS = 80;

/** A row's label: seq and operator (seqs are unique within a run). */
export function rowLabel(candidate: FrontCandidate): string {
  return `#${candidate.seq} ${candidate.operator}`;
}

/** The chart's height for a front: every row readable, and room for turned instance names. */
export function frontHeight(front: ParetoFront): number {
  return Math.max(220, frontBottom(front) + 24 + ROW_HEIGHT * front.candidates.length);
}

function frontBottom(front: ParetoFront): number {
  return front.instances.length > UPRIGHT_COLUMNS ? 110 : 48;
}

/**
 * How cells are coloured: by score on one scale for the whole map, or within each instance, from
 * the lowest score shown on it (0) to its best (1), for instances whose scores have unlike ranges.
 */
export type FrontColouring = 'score' | 'instance';

/**
 * The heat map of a front: front members as rows (top row leads most), instances as columns,
 * colour by score, a white dot on each cell whose score is the best on its instance. Series 0
 * holds the scored cells as [column, row, colour value]; series 1 the leaders as [column, row].
 * Tooltips always show the score itself.
 */
export function frontOption(front: ParetoFront, colouring: FrontColouring = 'score'): Record<string, unknown> {
  const cells = colourValues(front, colouring);
  const rowOf = new Map(front.candidates.map((candidate, row) => [candidate.id, row]));
  const leaders = front.leaders.flatMap((ids, x) => ids.map((id) => [x, rowOf.get(id) as number]));
  const values = cells.map((cell) => cell[2]);
  const min = colouring === 'instance' ? 0 : values.length ? Math.min(...values) : 0;
  const max = colouring === 'instance' ? 1 : values.length ? Math.max(...values) : 1;
  const turned = front.instances.length > UPRIGHT_COLUMNS;
  return {
    grid: { left: 150, right: 150, top: 12, bottom: frontBottom(front) },
    tooltip: { formatter: (params: { value: number[] }) => tooltip(front, params.value[0] as number, params.value[1] as number) },
    xAxis: {
      type: 'category',
      data: front.instances,
      name: 'instance',
      nameLocation: 'middle',
      nameGap: frontBottom(front) - 20,
      splitArea: { show: false },
      ...AXIS,
      axisLabel: {
        ...AXIS.axisLabel,
        rotate: turned ? 60 : 0,
        interval: front.instances.length <= EVERY_LABEL_COLUMNS ? 0 : 'auto',
        width: 90,
        overflow: 'truncate',
      },
    },
    yAxis: {
      type: 'category',
      data: front.candidates.map(rowLabel),
      inverse: true,
      triggerEvent: true,
      splitArea: { show: true, areaStyle: { color: ['#f8f9fa', '#f1f3f5'] } },
      ...AXIS,
      axisLabel: { ...AXIS.axisLabel, width: 140, overflow: 'truncate', cursor: 'pointer' },
    },
    visualMap: {
      seriesIndex: 0,
      min,
      max: max === min ? min + 1 : max,
      calculable: true,
      orient: 'vertical',
      right: 8,
      top: 'middle',
      itemHeight: 120,
      inRange: { color: SCORE_GRADIENT },
      text: colouring === 'instance' ? ['best', 'lowest'] : ['best', 'worse'],
      formatter: (value: number) => (colouring === 'instance' ? `${Math.round(value * 100)}%` : formatScore(value)),
    },
    series: [
      {
        type: 'heatmap',
        name: 'scores',
        cursor: 'pointer',
        data: cells,
        itemStyle: { borderColor: '#fff', borderWidth: 1 },
        emphasis: { itemStyle: { borderColor: '#212529', borderWidth: 2 } },
      },
      {
        type: 'scatter',
        name: 'leads',
        cursor: 'pointer',
        data: leaders,
        symbol: 'circle',
        symbolSize: Math.min(9, Math.max(4, Math.round(900 / Math.max(1, front.instances.length)))),
        itemStyle: { color: '#fff', borderColor: '#212529', borderWidth: 1 },
        z: 3,
      },
    ],
  };
}

/** The scored cells as [column, row, value to colour by]. */
function colourValues(front: ParetoFront, colouring: FrontColouring): Array<[number, number, number]> {
  const cells: Array<[number, number, number]> = [];
  front.scores.forEach((row, y) =>
    row.forEach((score, x) => {
      if (score !== null) cells.push([x, y, score]);
    }),
  );
  if (colouring === 'score') return cells;
  const lowest = [...front.best];
  for (const [x, , score] of cells) lowest[x] = Math.min(lowest[x] as number, score);
  return cells.map(([x, y, score]) => {
    const span = (front.best[x] as number) - (lowest[x] as number);
    return [x, y, span > 0 ? (score - (lowest[x] as number)) / span : 1];
  });
}

function tooltip(front: ParetoFront, column: number, row: number): string {
  const candidate = front.candidates[row];
  const instance = front.instances[column];
  if (!candidate || instance === undefined) return '';
  const score = front.scores[row]?.[column] ?? null;
  const best = front.best[column] as number;
  const others = (front.leaderCount[column] ?? 1) - 1;
  const tied = others === 0 ? 'alone' : `tied with ${others} other${others === 1 ? '' : 's'}`;
  const standing = score === null ? 'no score' : score === best ? `<b>leads</b> ${tied}` : `the best is ${formatScore(best)}`;
  return (
    `${escapeHtml(candidate.id)} · ${escapeHtml(candidate.operator)}<br>` +
    `${escapeHtml(instance)}: <b>${formatScore(score)}</b> · ${standing}<br>` +
    `overall ${formatScore(candidate.score)} · leads ${candidate.led}`
  );
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
