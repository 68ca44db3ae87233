// Runs inside the candidate's isolate, beside priority.js: packs every instance online with the
// candidate's rule and returns, per instance, the position of the bin chosen for each item. The
// evaluator replays those choices with its own copy of the packing rules and counts the bins
// itself, so nothing this harness (or a candidate that tampers with it) reports is trusted.
import { priority } from './priority.js';
import { packOnline } from './packing.ts';

export function decide(instances) {
  if (typeof priority !== 'function') throw new Error('priority.js must export a function named priority');
  const decisions = {};
  for (const id of Object.keys(instances)) {
    const { items, capacity } = instances[id];
    const choices = [];
    try {
      packOnline(items, capacity, priority, (choice) => choices.push(choice));
    } catch (error) {
      throw new Error(`instance ${id}: ${error instanceof Error ? error.message : String(error)}`);
    }
    decisions[id] = choices;
  }
  return decisions;
}
