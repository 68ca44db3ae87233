import { findRegions, type Operator } from 'ouroboros';

/** Doubles one number written inside an EVOLVE block of a JavaScript file. */
export const doubleNumber: Operator = {
  name: 'double-number',
  arity: 1,
  languages: ['JavaScript'],
  canEdit: (file) => file.endsWith('.js'),
  async propose({ parents: [parent], rng }) {
    const genome = parent!.genome;
    const sites = Object.entries(genome)
      .filter(([file]) => file.endsWith('.js'))
      .flatMap(([file, text]) =>
        findRegions(text, file).flatMap(({ start, end }) =>
          [...text.slice(start, end).matchAll(/\b\d+(\.\d+)?\b/g)].map((match) => ({
            file,
            text,
            at: start + match.index,
            number: match[0],
          })),
        ),
      );
    if (sites.length === 0) return { failure: 'no number inside an EVOLVE block' };
    const { file, text, at, number } = rng.pick(sites);
    const doubled = String(Number(number) * 2);
    const child = text.slice(0, at) + doubled + text.slice(at + number.length);
    return { genome: { ...genome, [file]: child }, description: `double-number ${number} -> ${doubled} at ${file}` };
  },
};
