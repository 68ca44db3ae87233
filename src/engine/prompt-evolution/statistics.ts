// A template's rates, as `ouro show --prompts` lists them and as the meta-prompt shows them to the model.
import type { TemplatePopulation, TemplateStats } from './population.ts';

/** The share of a template's evaluated children that beat their parent; undefined before any was evaluated. */
export function beatRate(stats: TemplateStats): number | undefined {
  return stats.children === 0 ? undefined : stats.beats / stats.children;
}

/**
 * Children that beat their parent per US dollar its proposals cost: the template's fitness.
 * Undefined when nothing was spent (a free model), where the rate has no meaning; the beat rate
 * alone then compares templates.
 */
export function beatsPerDollar(stats: TemplateStats): number | undefined {
  return stats.spendUsd > 0 ? stats.beats / stats.spendUsd : undefined;
}

/** A number to three significant digits, as these figures are shown. */
export function threeDigits(value: number): string {
  return String(Number(value.toPrecision(3)));
}

/**
 * How template `id` has done, one fact per line, for the meta-prompt. Every figure comes from the
 * population's state, which a resumed run rebuilds exactly, so a replay builds the same prompt.
 */
export function describeForModel(population: TemplatePopulation, id: string): string {
  const stats = population.stats(id);
  const lines: string[] = [];
  if (stats.proposals === 0) return '- It has not prompted a proposal yet.';
  const failed = stats.proposals - stats.children;
  lines.push(
    `- It prompted ${stats.proposals} proposal${stats.proposals === 1 ? '' : 's'}: ${stats.children} gave a child that was evaluated, ` +
      `${failed} did not (the reply did not apply, or repeated a program already tried).`,
  );
  const rate = beatRate(stats);
  if (rate !== undefined) {
    lines.push(`- ${stats.beats} of its ${stats.children} evaluated children beat their parent (${(rate * 100).toFixed(1)}%).`);
  }
  const perDollar = beatsPerDollar(stats);
  lines.push(
    perDollar === undefined
      ? '- Its model calls cost nothing, so only the beat rate counts.'
      : `- Its proposals cost $${stats.spendUsd.toFixed(4)}: ${threeDigits(perDollar)} children that beat their parent per dollar.`,
  );
  lines.push(
    `- Its mean reward is ${(stats.meanReward ?? 0).toFixed(3)} (1 for a child that beats the best program so far, a little for one ` +
      'that beats only its parent, 0 otherwise, less when the calls cost more).',
  );
  const others = population
    .current()
    .filter((member) => member.id !== id)
    .map((member) => population.stats(member.id).meanReward)
    .filter((mean): mean is number => mean !== undefined);
  if (others.length > 0) {
    lines.push(
      `- The operator's other templates have mean rewards from ${Math.min(...others).toFixed(3)} to ${Math.max(...others).toFixed(3)}.`,
    );
  }
  return lines.join('\n');
}
