/**
 * LADDER: a task the solver failed is simplified recursively, each variant an easier step towards
 * its parent, down to a fixed depth. A variant that does not parse ends its branch; the others go
 * on. Every variant records the task it simplifies (`provenance.parent`) and how many steps it is
 * from the original (`provenance.depth`).
 */
import type { GeneratedTask } from '../types.ts';
import type { ParseOutcome } from './parse.ts';

/** Writes one easier variant of `parent` at `depth` (1 for a direct variant of the failed task). */
export type VariantWriter = (parent: GeneratedTask, depth: number) => Promise<ParseOutcome>;

export interface LadderResult {
  /** Every variant, breadth first: all of depth 1, then all of depth 2, ... */
  variants: GeneratedTask[];
  /** The variants that did not parse: which parent, at which depth, and why. */
  rejections: Array<{ parent: string; depth: number; detail: string }>;
}

/**
 * Variants of `failed` down to `depth` levels, `breadth` variants of each task per level.
 *
 * @example
 * const { variants } = await ladderVariants(failed, 3, (parent, depth) =>
 *   generateTask({ kind: 'ladder', category, model, parent, depth, seq: next() }).then((generated) => generated.outcome));
 */
export async function ladderVariants(failed: GeneratedTask, depth: number, write: VariantWriter, breadth = 1): Promise<LadderResult> {
  if (!Number.isInteger(depth) || depth < 0) throw new RangeError(`ladder depth must be a whole number of at least 0 (got ${depth})`);
  if (!Number.isInteger(breadth) || breadth < 1)
    throw new RangeError(`ladder breadth must be a whole number of at least 1 (got ${breadth})`);
  const result: LadderResult = { variants: [], rejections: [] };
  let level: GeneratedTask[] = [failed];
  for (let step = 1; step <= depth && level.length > 0; step++) {
    const next: GeneratedTask[] = [];
    for (const parent of level) {
      for (let copy = 0; copy < breadth; copy++) {
        const outcome = await write(parent, step);
        if ('rejection' in outcome) {
          result.rejections.push({ parent: parent.id, depth: step, detail: outcome.rejection.detail });
          continue;
        }
        const variant: GeneratedTask = { ...outcome.task, provenance: { ...outcome.task.provenance, parent: parent.id, depth: step } };
        next.push(variant);
      }
    }
    result.variants.push(...next);
    level = next;
  }
  return result;
}
