// The reply formats operators ask for, shown in prompts as {{format}}.
import { findRegions } from '../../core/genome.ts';
import type { Genome } from '../../core/types.ts';

export interface DiffFormatOptions {
  /** Ask for a `Diagnosis:` line before the rationale (reflection). */
  diagnosis?: boolean;
}

/** Instructions for SEARCH/REPLACE replies, with the genome's first file as the example. */
export function diffFormat(genome: Genome, options: DiffFormatOptions = {}): string {
  const file = Object.keys(genome)[0] ?? 'program.js';
  const lines: string[] = ['Answer in this shape:', ''];
  if (options.diagnosis) {
    lines.push('Diagnosis: <two or three sentences: what goes wrong now, and why, judging by the evidence above>');
  }
  lines.push(
    'Rationale: <one or two sentences: what you change and why it should raise the score>',
    '',
    file,
    '<<<<<<< SEARCH',
    '<lines copied exactly from the current file>',
    '=======',
    '<the lines that take their place>',
    '>>>>>>> REPLACE',
    '',
    'Rules for the edit blocks:',
    '- Write the file name alone on the line just above each block.',
    '- SEARCH holds whole lines copied character for character from the current version, indentation included. ' +
      'They must occur exactly once: add a neighbouring line when a line repeats.',
    '- Only lines between EVOLVE-BLOCK-START and EVOLVE-BLOCK-END may change. Never include or alter the marker lines, ' +
      'or anything outside them.',
    '- Keep each block short, and use several blocks for changes in separate places. Blocks apply in order.',
    '- Do not repeat the whole file, and write nothing after the last block.',
  );
  return lines.join('\n');
}

/** Every EVOLVE region as `file#n`, numbered from 1 within its file. */
export function regionLabels(genome: Genome): string[] {
  const labels: string[] = [];
  for (const [file, text] of Object.entries(genome)) {
    let count = 0;
    try {
      count = findRegions(text, file).length;
    } catch {
      continue;
    }
    for (let index = 1; index <= count; index++) labels.push(`${file}#${index}`);
  }
  return labels;
}

/** Instructions for a reply that restates every EVOLVE region in full. */
export function rewriteFormat(genome: Genome): string {
  const labels = regionLabels(genome);
  const example = labels[0] ?? 'program.js#1';
  return [
    'Answer in this shape:',
    '',
    'Rationale: <one or two sentences: what you change and why it should raise the score>',
    '',
    `REGION ${example}`,
    '```',
    '<the complete new text between the markers of that EVOLVE block>',
    '```',
    '',
    'Rules:',
    `- Give one REGION section for each of these EVOLVE blocks, in this order: ${labels.join(', ')}. ` +
      `\`file#2\` is the second EVOLVE block of that file.`,
    '- Each fenced block holds the full new text of its EVOLVE block: every line, not only the changed ones, and no "..." placeholders.',
    '- Leave out the EVOLVE-BLOCK-START and EVOLVE-BLOCK-END lines themselves; the text outside the blocks stays as it is.',
    '- Write nothing after the last fenced block.',
  ].join('\n');
}
