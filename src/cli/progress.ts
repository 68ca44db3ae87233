import cliProgress from 'cli-progress';
import { describeBudgetLeft, formatDuration, type Budget } from '../core/budget.ts';
import type { Emitter, RunEvents } from '../core/events.ts';
import { formatScore, formatUsd } from './output.ts';

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
  let tokens = 0;
  let costUsd = 0;
  let calls = 0;
  let bar: cliProgress.SingleBar | undefined;
  let timer: NodeJS.Timeout | undefined;

  const elapsed = () => elapsedBeforeMs + Date.now() - started;
  const fields = () => {
    const seconds = (Date.now() - started) / 1000;
    return {
      evaluations: evaluations.toLocaleString('en-US'),
      rate: seconds > 0 ? (sessionEvaluations / seconds).toFixed(1) : '0.0',
      best: formatScore(best),
      left: describeBudgetLeft(budget, { evaluations, wallTimeMs: elapsed(), bestScore: best, tokens, costUsd }),
      spend: calls === 0 ? '' : ` | ${tokens.toLocaleString('en-US')} tok ${formatUsd(costUsd)}`,
    };
  };
  // The bar fills by whichever limit is closer to running out.
  const fraction = () =>
    Math.min(
      1,
      Math.max(
        budget.evaluations ? evaluations / budget.evaluations : 0,
        budget.wallTimeMs ? elapsed() / budget.wallTimeMs : 0,
        budget.tokens ? tokens / budget.tokens : 0,
        budget.costUsd ? costUsd / budget.costUsd : 0,
      ),
    );
  const draw = () => {
    if (bar) bar.update(Math.round(fraction() * 1000), fields());
    else {
      const f = fields();
      process.stderr.write(
        `[${formatDuration(Date.now() - started)}] ${f.evaluations} evals | ${f.rate} evals/s | ` +
          `best ${f.best}${f.spend} | left ${f.left}\n`,
      );
    }
  };

  const offs = [
    events.on('run-started', (event) => {
      budget = event.budget;
      evaluations = event.evaluations;
      elapsedBeforeMs = event.elapsedMs;
      best = event.bestScore;
      tokens = event.spend.tokens;
      costUsd = event.spend.costUsd;
      const interactive = Boolean(process.stderr.isTTY);
      if (interactive) {
        bar = new cliProgress.SingleBar(
          {
            format: ' {bar} {evaluations} evals | {rate} evals/s | best {best}{spend} | left {left}',
            barsize: 24,
            hideCursor: true,
            stream: process.stderr,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(1000, 0, fields());
      }
      timer = setInterval(draw, interactive ? 200 : 10_000);
    }),
    events.on('model-called', ({ exchange }) => {
      calls++;
      tokens += exchange.usage.inputTokens + exchange.usage.outputTokens;
      costUsd += exchange.costUsd;
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
