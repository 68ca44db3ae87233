import { OuroError } from '../core/errors.ts';
import { EVOLVE_END, EVOLVE_START, findRegions } from '../core/genome.ts';
import type { ChatMessage } from '../core/model.ts';
import type { Genome } from '../core/types.ts';
import type { DatasetRow, RenderFunction } from './options.ts';

const ROLES = new Set(['system', 'user', 'assistant']);

/**
 * The prompt's components: the named genome files (every file, in genome order, when `names` is
 * left out), each with its EVOLVE marker lines removed. A named file missing from the genome is an
 * error naming it, and so is a genome with no EVOLVE region in any component, since then no
 * operator could change the prompt.
 *
 * @example
 * promptComponents({ 'system.md': '<!-- EVOLVE-BLOCK-START -->\nBe brief.\n<!-- EVOLVE-BLOCK-END -->\n' })
 * // { 'system.md': 'Be brief.\n' }
 */
export function promptComponents(genome: Genome, names?: readonly string[]): Record<string, string> {
  const files = names ?? Object.keys(genome);
  const components: Record<string, string> = {};
  let regions = 0;
  for (const file of files) {
    const text = genome[file];
    if (text === undefined) {
      const present = Object.keys(genome).join(', ') || 'no files';
      throw new OuroError('genome-missing', `component ${file} (named in components) is not in the genome, which has ${present}`, {
        field: 'components',
        file,
      });
    }
    // findRegions also refuses unbalanced markers; a file with no marker at all is a frozen component.
    if (text.includes(EVOLVE_START) || text.includes(EVOLVE_END)) regions += findRegions(text, file).length;
    components[file] = withoutMarkers(text);
  }
  if (regions === 0) {
    throw new OuroError(
      'genome-markers',
      `the prompt has no EVOLVE region in any component (${files.join(', ') || 'none'}): put the text that may change ` +
        `between a line holding ${EVOLVE_START} and a line holding ${EVOLVE_END}`,
      { field: 'components' },
    );
  }
  return components;
}

/** The text without the lines that hold an EVOLVE marker. */
export function withoutMarkers(text: string): string {
  return text
    .split('\n')
    .filter((line) => !line.includes(EVOLVE_START) && !line.includes(EVOLVE_END))
    .join('\n');
}

/**
 * The default messages: one system message of every non-empty component, trimmed and separated
 * by a blank line (none when every component is empty), then one user message holding the input.
 */
export function defaultMessages(components: Readonly<Record<string, string>>, input: string): ChatMessage[] {
  const system = Object.values(components)
    .map((text) => text.trim())
    .filter((text) => text !== '')
    .join('\n\n');
  const user: ChatMessage = { role: 'user', content: input };
  // Some servers refuse an empty system message; a prompt whose components are all empty sends none.
  return system === '' ? [user] : [{ role: 'system', content: system }, user];
}

/** Builds one instance's messages with `render` (or the default) and checks what a custom render returned. */
export function renderMessages(
  components: Readonly<Record<string, string>>,
  input: string,
  row: DatasetRow,
  render: RenderFunction | undefined,
  instanceId: string,
): ChatMessage[] {
  if (render === undefined) return defaultMessages(components, input);
  const messages: unknown = render(components, input, row);
  const fail = (reason: string): never => {
    throw new OuroError('option-invalid', `render returned ${reason} for instance ${instanceId}; expected [{ role, content }, ...]`, {
      field: 'render',
    });
  };
  if (!Array.isArray(messages) || messages.length === 0) fail(Array.isArray(messages) ? 'no messages' : typeof messages);
  (messages as unknown[]).forEach((message, index) => {
    const { role, content } = (message ?? {}) as { role?: unknown; content?: unknown };
    if (typeof role !== 'string' || !ROLES.has(role)) fail(`a message ${index} whose role is ${JSON.stringify(role)}`);
    if (typeof content !== 'string') fail(`a message ${index} whose content is ${typeof content}`);
  });
  return messages as ChatMessage[];
}
