import { describe, expect, it } from 'vitest';
import type { RunRecord, Store } from '../store/store.ts';
import { gridPlot } from './grid.ts';
import { lineagePlot } from './lineage.ts';
import type { PlotCandidate, PlotContext, PlotOutput } from './plot.ts';
import { scorePlot } from './score.ts';

/** `initialGenome` is what the store answers for the run's initial candidate (the default grid axis derives from it). */
function context(candidates: PlotCandidate[], config: unknown, initialGenome?: Record<string, string>): PlotContext {
  const run: RunRecord = {
    id: 'rtest',
    experiment: 'unit',
    experimentDir: '',
    config,
    createdAt: 0,
    status: 'finished',
    settings: { seed: 1, options: {}, budget: { targetScore: 10 }, concurrency: 1 },
  };
  const store = { getGenome: (id: string) => (id === 'rtest-0' ? initialGenome : undefined) } as unknown as Store;
  return { store, run, candidates: () => candidates };
}

function candidate(seq: number, score: number | undefined, features: Record<string, number> = {}, island = 0): PlotCandidate {
  return {
    id: `rtest-${seq}`,
    seq,
    parentIds: seq === 0 ? [] : [`rtest-${Math.floor((seq - 1) / 2)}`],
    generation: 0,
    island,
    status: score === undefined ? 'timeout' : 'ok',
    ...(score === undefined ? {} : { score }),
    features,
  };
}

const svgOf = (output: PlotOutput): string => {
  if ('skipped' in output) throw new Error(`skipped: ${output.skipped}`);
  expect(output.svg.startsWith('<svg')).toBe(true);
  expect(output.svg.trimEnd().endsWith('</svg>')).toBe(true);
  return output.svg;
};

describe('figures on unusual runs', () => {
  it('draws a run whose only evaluation failed, and skips what needs a score', () => {
    const runContext = context([candidate(0, undefined)], { archive: { kind: 'dgm' } });
    expect(svgOf(scorePlot.render(runContext))).toContain('no ok evaluation');
    expect(lineagePlot.render(runContext)).toEqual({ skipped: expect.stringContaining('no ok evaluation') });
    expect(gridPlot.render(runContext)).toEqual({ skipped: expect.stringContaining('dgm') });
  });

  it('draws a one-candidate run', () => {
    const runContext = context(
      [candidate(0, 1, { length: 100 })],
      { archive: { kind: 'map-elites', islands: 1 } },
      { 'pack.js': 'x'.repeat(100) },
    );
    expect(svgOf(scorePlot.render(runContext))).toContain('target 10');
    expect(svgOf(lineagePlot.render(runContext))).toContain('best: rtest-0');
    expect(svgOf(gridPlot.render(runContext)).match(/class="cell"/g)).toHaveLength(1);
  });

  it('draws a two-axis grid with a panel per island', () => {
    const axes = [
      { name: 'spread', min: 0, max: 5, bins: 6 },
      { name: 'length', min: 0, max: 300, bins: 4 },
    ];
    const candidates = Array.from({ length: 200 }, (_, seq) =>
      candidate(seq, Math.sin(seq), { spread: (seq * 37) % 6, length: (seq * 53) % 300 }, seq % 3),
    );
    const svg = svgOf(gridPlot.render(context(candidates, { archive: { kind: 'map-elites', islands: 3, features: axes } })));
    expect(svg.match(/class="(cell|empty)"/g)).toHaveLength(3 * 6 * 4);
    expect(svg).toContain('island 2');
    expect(svg).toContain('>length<');
  });
});
