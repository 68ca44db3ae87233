import cliProgress from 'cli-progress';
import { describeBudgetLeft, formatDuration, type Budget } from '../core/budget.ts';
import type { Emitter, RunEvents } from '../core/events.ts';
import { formatScore } from './output.ts';

/**
 * A live progress line on stderr: evaluations, evals/s, best score, budget left. On a terminal it
 * redraws in place; elsewhere (CI, pipes) it prints a plain line every ten seconds.
 * Returns a function that draws the last state and stops.
 */
export function showProgress(events: Emitter<RunEvents>): () => void {
  const started = Date.now();
  let budget: Budget = {};
  let elapsedBeforeMs = 0;
  let evaluations = 0;
  let sessionEvaluations = 0;
  let best: number | undefined;
  let bar: cliProgress.SingleBar | undefined;
  let timer: NodeJS.Timeout | undefined;

  const elapsed = () => elapsedBeforeMs + Date.now() - started;
  const fields = () => {
    const seconds = (Date.now() - started) / 1000;
    return {
      evaluations: evaluations.toLocaleString('en-US'),
      rate: seconds > 0 ? (sessionEvaluations / seconds).toFixed(1) : '0.0',
      best: formatScore(best),
      left: describeBudgetLeft(budget, { evaluations, wallTimeMs: elapsed(), bestScore: best }),
    };
  };
  // The bar fills by whichever limit is closer to running out.
  const fraction = () => Math.min(1, Math.max(
    budget.evaluations ? evaluations / budget.evaluations : 0,
    budget.wallTimeMs ? elapsed() / budget.wallTimeMs : 0,
  ));
  const draw = () => {
    if (bar) bar.update(Math.round(fraction() * 1000), fields());
    else {
      const f = fields();
      process.stderr.write(`[${formatDuration(Date.now() - started)}] ${f.evaluations} evals | ${f.rate} evals/s | best ${f.best} | left ${f.left}\n`);
    }
  };

  const offs = [
    events.on('run-started', (event) => {
      budget = event.budget;
      evaluations = event.evaluations;
      elapsedBeforeMs = event.elapsedMs;
      best = event.bestScore;
      const interactive = Boolean(process.stderr.isTTY);
      if (interactive) {
        bar = new cliProgress.SingleBar({
          format: ' {bar} {evaluations} evals | {rate} evals/s | best {best} | left {left}',
          barsize: 24,
          hideCursor: true,
          stream: process.stderr,
        }, cliProgress.Presets.shades_classic);
        bar.start(1000, 0, fields());
      }
      timer = setInterval(draw, interactive ? 200 : 10_000);
    }),
    events.on('candidate-recorded', (event) => {
      evaluations++;
      sessionEvaluations++;
      best = event.bestScore;
    }),
  ];
  let done = false;
  return () => {
    if (done) return;
    done = true;
    for (const off of offs) off();
    if (timer) clearInterval(timer);
    if (bar) {
      bar.update(Math.round(fraction() * 1000), fields());
      bar.stop();
    } else if (timer) draw();
  };
}
