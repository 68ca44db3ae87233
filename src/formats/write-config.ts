import { basename } from 'node:path';
import type { MappedConfig } from './mapped.ts';

const LABELS = { openevolve: 'OpenEvolve', shinka: 'ShinkaEvolve' } as const;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
/** Past this width an array or object is written one entry per line. */
const INLINE_WIDTH = 100;

/**
 * The text of an `ouro.config.ts` equivalent to a mapped foreign config: the config as a literal
 * passed to `defineExperiment`, under a comment that names the source, every setting left out,
 * what was guessed, and the seed to pass on the command line.
 *
 * @example
 * writeFileSync(join(dir, 'ouro.config.ts'), configSource(mapFolder(dir, folder, EMBEDDED_OPERATORS)));
 */
export function configSource(mapped: MappedConfig): string {
  const source = /\.ya?ml$/.test(mapped.configFile)
    ? `${basename(mapped.configFile)} (${LABELS[mapped.format]})`
    : `an ${LABELS[mapped.format]} folder without a config file: ${LABELS[mapped.format]}'s defaults`;
  const header = [`Converted by \`ouro convert\` from ${source}.`];
  if (mapped.unmapped.length > 0) {
    header.push('', 'Settings with no Ouroboros equivalent, left out:', ...mapped.unmapped.map((key) => `  ${key}`));
  }
  if (mapped.notes.length > 0) header.push('', 'Check:', ...mapped.notes.map((note) => `  ${note}`));
  if (mapped.seed !== undefined) {
    header.push(
      '',
      `The config's random seed was ${mapped.seed}: a seed belongs to a run, so pass \`--seed ${mapped.seed}\` to \`ouro run\`.`,
    );
  }
  const comment = header.flatMap((line) => (line === '' ? ['//'] : wrap(line).map((part) => `// ${part}`))).join('\n');
  return `${comment}\nimport { defineExperiment } from 'ouroboros';\n\nexport default defineExperiment(${literal(mapped.input, '')});\n`;
}

/** A comment line cut at spaces to about INLINE_WIDTH characters; continuation lines keep its indent and add two spaces. */
function wrap(line: string): string[] {
  const indent = /^ */.exec(line)?.[0] ?? '';
  const parts: string[] = [];
  let current = '';
  for (const word of line.trim().split(' ')) {
    const prefix = parts.length === 0 ? indent : `${indent}  `;
    if (current !== '' && prefix.length + current.length + 1 + word.length > INLINE_WIDTH) {
      parts.push(prefix + current);
      current = word;
    } else {
      current = current === '' ? word : `${current} ${word}`;
    }
  }
  parts.push((parts.length === 0 ? indent : `${indent}  `) + current);
  return parts;
}

/** A value as TypeScript source, indented by two spaces a level. */
function literal(value: unknown, indent: string): string {
  if (typeof value === 'string') return text(value);
  if (typeof value === 'number') return Number.isSafeInteger(value) && Math.abs(value) >= 10_000 ? grouped(value) : String(value);
  if (typeof value === 'boolean' || value === null) return String(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    const items = value.map((item) => literal(item, inner));
    const flat = `[${items.join(', ')}]`;
    if (flat.length <= INLINE_WIDTH && !flat.includes('\n')) return flat;
    return `[\n${items.map((item) => `${inner}${item},`).join('\n')}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).map(
    ([key, field]) => `${IDENTIFIER.test(key) ? key : quote(key)}: ${literal(field, inner)}`,
  );
  const flat = `{ ${entries.join(', ')} }`;
  if (entries.length === 0) return '{}';
  if (indent !== '' && flat.length <= INLINE_WIDTH && !flat.includes('\n')) return flat;
  return `{\n${entries.map((entry) => `${inner}${entry},`).join('\n')}\n${indent}}`;
}

/**
 * A string as a quoted literal; text of several lines (a system message) as a template literal
 * that keeps its lines. A carriage return stays quoted: a template literal would turn it into \n.
 */
function text(value: string): string {
  if (!value.includes('\n') || value.includes('\r')) return quote(value);
  return `\`${value.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${')}\``;
}

/** A single-quoted literal, from JSON's escapes (which cover every control character). */
function quote(value: string): string {
  const body = JSON.stringify(value)
    .slice(1, -1)
    .replace(/\\(.)/g, (sequence, character: string) => (character === '"' ? '"' : sequence))
    .replace(/'/g, "\\'");
  return `'${body}'`;
}

/** 600000 as 600_000, as the examples write large numbers. */
function grouped(value: number): string {
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, '_');
}
