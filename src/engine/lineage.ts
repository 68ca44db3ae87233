import type { Lineage } from '../core/operator.ts';
import type { Store } from '../store/store.ts';

/** The run's family tree as operators read it (`ProposalContext.lineage`), straight from the store. */
export function storeLineage(store: Pick<Store, 'getCandidate'>): Lineage {
  return {
    parentIds: (id) => store.getCandidate(id)?.candidate.parentIds,
    genome: (id) => store.getCandidate(id)?.candidate.genome,
  };
}
