import { describe, expect, it } from 'vitest';
import { collapseCheck } from './collapse.ts';

const options = { maxHeldOutDrop: 0.05, minDiversity: 0.2 };

describe('collapseCheck', () => {
  it('flags a round whose held-out accuracy fell more than allowed below the best earlier round', () => {
    const history = [
      { round: 1, heldOutAccuracy: 0.6, answerDiversity: 0.5 },
      { round: 2, heldOutAccuracy: 0.7, answerDiversity: 0.5 },
      { round: 3, heldOutAccuracy: 0.66, answerDiversity: 0.5 },
      { round: 4, heldOutAccuracy: 0.61, answerDiversity: 0.5 },
    ];
    const verdict = collapseCheck(history, options);
    expect(verdict).toMatchObject({ collapsed: true, round: 4, reasons: ['held-out-drop'] });
    expect(verdict.collapsed && verdict.reason).toBe(
      'round 4: held-out accuracy 0.61 is 0.09 below round 2 (0.70), more than the 0.05 allowed',
    );
    // Round 3 is 0.04 below the best: within the allowance.
    expect(collapseCheck(history.slice(0, 3), options)).toEqual({ collapsed: false, round: 3 });
  });

  it('does not flag a drop of exactly the allowance', () => {
    const history = [
      { round: 1, heldOutAccuracy: 0.75, answerDiversity: 0.5 },
      { round: 2, heldOutAccuracy: 0.7, answerDiversity: 0.5 },
    ];
    expect(collapseCheck(history, options).collapsed).toBe(false);
  });

  it('flags answer diversity below the floor, and gives both reasons when both hold', () => {
    const narrow = [
      { round: 1, heldOutAccuracy: 0.6, answerDiversity: 0.5 },
      { round: 2, heldOutAccuracy: 0.62, answerDiversity: 0.1 },
    ];
    expect(collapseCheck(narrow, options)).toMatchObject({ collapsed: true, reasons: ['low-diversity'] });
    const both = [
      { round: 1, heldOutAccuracy: 0.9, answerDiversity: 0.5 },
      { round: 2, heldOutAccuracy: 0.5, answerDiversity: 0.1 },
    ];
    const verdict = collapseCheck(both, options);
    expect(verdict).toMatchObject({ collapsed: true, reasons: ['held-out-drop', 'low-diversity'] });
    expect(verdict.collapsed && verdict.reason).toMatch(
      /^round 2: held-out accuracy .*; answer diversity 0.10 is below the floor of 0.20$/,
    );
  });

  it('needs an earlier measured round to compare held-out accuracy with', () => {
    expect(collapseCheck([{ round: 1, heldOutAccuracy: 0.1, answerDiversity: 0.5 }], options).collapsed).toBe(false);
    const unmeasured = [
      { round: 1, answerDiversity: 0.5 },
      { round: 2, heldOutAccuracy: 0.1, answerDiversity: 0.5 },
    ];
    expect(collapseCheck(unmeasured, options).collapsed).toBe(false);
    expect(
      collapseCheck(
        [
          { round: 1, heldOutAccuracy: 0.9, answerDiversity: 0.5 },
          { round: 2, answerDiversity: 0.5 },
        ],
        options,
      ).collapsed,
    ).toBe(false);
    expect(collapseCheck([], options)).toEqual({ collapsed: false });
  });

  it('refuses thresholds that are not shares', () => {
    expect(() => collapseCheck([], { maxHeldOutDrop: -0.1, minDiversity: 0.2 })).toThrow(/maxHeldOutDrop/);
    expect(() => collapseCheck([], { maxHeldOutDrop: 0.1, minDiversity: 2 })).toThrow(/minDiversity/);
  });
});
