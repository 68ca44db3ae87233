import type { EvaluationStatus } from '../core/types.ts';
import type { RunRecord, Store } from '../store/store.ts';

/** One committed candidate, as the plots see it: no genome, diff or feedback. */
export interface PlotCandidate {
  id: string;
  seq: number;
  parentIds: string[];
  generation: number;
  island: number;
  status: EvaluationStatus;
  /** Present only when status is `ok`. */
  score?: number;
  features: Record<string, number>;
}

/** What a plot reads: the run, its store, and its candidates read once and shared by every plot. */
export interface PlotContext {
  readonly store: Store;
  readonly run: RunRecord;
  /** The run's committed candidates in commit order; read from the store on first use. */
  candidates(): readonly PlotCandidate[];
}

/** An SVG document, or why the plot does not apply to this run (a grid for a run without one). */
export type PlotOutput = { svg: string } | { skipped: string };

/**
 * A figure of a run, written as `<name>.svg` and `<name>.png`. `C` is what it draws from: an
 * evolution run's {@link PlotContext} by default, or another kind of run's context (the soup's).
 *
 * @example
 * const failures: Plot = {
 *   name: 'failures',
 *   description: 'evaluations by status',
 *   render(context) {
 *     const counts = new Map<string, number>();
 *     for (const candidate of context.candidates()) counts.set(candidate.status, (counts.get(candidate.status) ?? 0) + 1);
 *     return {
 *       svg: renderChart(
 *         { xAxis: { type: 'category', data: [...counts.keys()] }, yAxis: {}, series: [{ type: 'bar', data: [...counts.values()] }] },
 *         640,
 *         400,
 *       ),
 *     };
 *   },
 * };
 * defaultPlots.register(failures);
 */
export interface Plot<C = PlotContext> {
  /** File name without extension; kebab-case. */
  readonly name: string;
  readonly description: string;
  render(context: C): PlotOutput;
}

/** Plots of one kind of run, in the order `ouro plot` writes them; names are unique and kebab-case. */
export class PlotRegistry<C = PlotContext> {
  private readonly plots = new Map<string, Plot<C>>();

  register(plot: Plot<C>): this {
    if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(plot.name)) throw new Error(`plot name ${JSON.stringify(plot.name)} is not kebab-case`);
    if (this.plots.has(plot.name)) throw new Error(`a plot named ${plot.name} is already registered`);
    this.plots.set(plot.name, plot);
    return this;
  }

  get(name: string): Plot<C> | undefined {
    return this.plots.get(name);
  }

  list(): Plot<C>[] {
    return [...this.plots.values()];
  }
}
