import type { Lineage } from '../core/operator.ts';
import type { Store } from '../store/store.ts';

/**
 * The run's family tree as operators read it (`ProposalContext.lineage`), from the store. A
 * candidate's parents never change once committed, so they are read once; genomes are read on
 * demand (a merge needs one ancestor's).
 */
export function storeLineage(store: Pick<Store, 'getCandidate'>): Lineage {
  const parents = new Map<string, readonly string[]>();
  return {
    parentIds(id) {
      const known = parents.get(id);
      if (known !== undefined) return known;
      const found = store.getCandidate(id)?.candidate.parentIds;
      if (found !== undefined) parents.set(id, found);
      return found;
    },
    genome: (id) => store.getCandidate(id)?.candidate.genome,
  };
}
