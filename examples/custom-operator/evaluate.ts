import type { EvaluateContext, EvaluationResult, Genome } from 'ouroboros';

/** Scores the rectangle by its squared distance from 16 by 4, so 0 is the best score. */
export default async function evaluate(_genome: Genome, context: EvaluateContext): Promise<EvaluationResult> {
  const program = await context.isolate('rectangle.js');
  const [width, height] = (await program.call('size')) as [number, number];
  const distance = (width - 16) ** 2 + (height - 4) ** 2;
  if (!Number.isFinite(distance)) throw new Error(`size() returned ${JSON.stringify([width, height])}`);
  return { score: -distance, metrics: { width, height }, feedback: `width ${width}, height ${height}` };
}
