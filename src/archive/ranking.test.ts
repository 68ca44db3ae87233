import { describe, expect, it } from 'vitest';
import { makeEntry } from './archive.conformance.ts';
import { compareEntries, Leaderboard } from './ranking.ts';

const ids = (board: Leaderboard): string[] => board.entries.map((entry) => entry.id);

describe('compareEntries', () => {
  it('ranks a higher score first, then an earlier seq', () => {
    expect(compareEntries(makeEntry(5, 2), makeEntry(1, 1))).toBeLessThan(0);
    expect(compareEntries(makeEntry(1, 2), makeEntry(5, 2))).toBeLessThan(0);
    expect(compareEntries(makeEntry(5, 2), makeEntry(1, 2))).toBeGreaterThan(0);
    expect(compareEntries(makeEntry(3, 2), makeEntry(3, 2))).toBe(0);
  });
});

describe('Leaderboard', () => {
  it('keeps the best entries in order, without repeats', () => {
    const board = new Leaderboard(3);
    for (const [seq, score] of [
      [0, 1],
      [1, 5],
      [2, 3],
      [3, 5],
      [4, 0],
      [5, 4],
    ] as const)
      board.offer(makeEntry(seq, score));
    board.offer(makeEntry(1, 5));
    expect(ids(board)).toEqual(['c-1', 'c-3', 'c-5']);
  });

  it('after losing a member with others left out, takes only entries above its last', () => {
    const board = new Leaderboard(3);
    for (let seq = 0; seq < 5; seq++) board.offer(makeEntry(seq, 10 - seq));
    expect(board.remove('c-1')).toBe(true);
    // c-3 and c-4 were left out and still rank above this newcomer.
    board.offer(makeEntry(9, 1));
    expect(ids(board)).toEqual(['c-0', 'c-2']);
    board.offer(makeEntry(8, 9.5));
    expect(ids(board)).toEqual(['c-0', 'c-8', 'c-2']);
  });

  it("gives a replaced member's slot to the entry that displaced it", () => {
    const board = new Leaderboard(3);
    for (let seq = 0; seq < 5; seq++) board.offer(makeEntry(seq, 10 - seq));
    board.replace('c-2', makeEntry(7, 8.5));
    expect(ids(board)).toEqual(['c-0', 'c-1', 'c-7']);
    board.replace('c-4', makeEntry(8, 6.5));
    expect(ids(board)).toEqual(['c-0', 'c-1', 'c-7']);
  });

  it('takes any entry again after a clear', () => {
    const board = new Leaderboard(2);
    for (let seq = 0; seq < 4; seq++) board.offer(makeEntry(seq, seq));
    board.clear();
    board.offer(makeEntry(9, -1));
    expect(ids(board)).toEqual(['c-9']);
  });
});
