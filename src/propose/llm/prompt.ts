import type { ChatMessage } from '../../core/model.ts';
import type { ProposalContext, ProposalFailure } from '../../core/operator.ts';
import { cut, renderSections, type SectionOptions, type Sections } from './sections.ts';
import {
  measureTemplate,
  renderTemplate,
  type OperatorTemplateName,
  type Placeholder,
  type Template,
  type Templates,
  type Values,
} from './templates.ts';

export interface PromptRequest extends SectionOptions {
  templates: Templates;
  operator: OperatorTemplateName;
  context: ProposalContext;
  /** The reply format the operator asks for, shown as `{{format}}`. */
  format: string;
  /** The model's context window, in tokens. */
  contextWindow: number;
  /** Tokens kept free for the reply. */
  maxOutputTokens: number;
}

export interface BuiltPrompt {
  messages: ChatMessage[];
  /**
   * The prompt's estimated size in tokens. When its UTF-8 length already fits the window this is
   * that length, an upper bound (a token covers at least one byte), and the tokenizer is not run.
   */
  tokens: number;
  /** What was cut to fit the window, such as `dropped 2 of 3 inspirations`. */
  trimmed: string[];
}

// Chat formats wrap each message in a few tokens of their own, and prime the reply with a few more.
const PER_MESSAGE = 4;
const REPLY_PRIMING = 3;
/** A section cut to fewer tokens than this is dropped instead: a stub says nothing. */
const MIN_KEPT_TOKENS = 40;
/** Room for the note that says how much of a section was cut. */
const CUT_NOTE_TOKENS = 12;
const MAX_SHORTENINGS = 3;
const COUNT_CACHE = 512;

type Counter = (text: string) => number;
let counter: Promise<Counter> | undefined;

/** gpt-tokenizer's o200k counts, loaded on first need (it takes a while to load) and memoized per text. */
export function tokenCounter(): Promise<Counter> {
  counter ??= import('gpt-tokenizer').then(({ countTokens }) => {
    const cache = new Map<string, number>();
    return (text: string): number => {
      if (text === '') return 0;
      let tokens = cache.get(text);
      if (tokens === undefined) {
        tokens = countTokens(text);
        if (cache.size >= COUNT_CACHE) cache.clear();
        cache.set(text, tokens);
      }
      return tokens;
    };
  });
  return counter;
}

/**
 * Fills the system template and the operator's template from the context. When the prompt is
 * larger than `contextWindow - maxOutputTokens` it is trimmed, in this order, until it fits:
 * inspirations are dropped from the last, the artifacts are shortened, the lessons dropped, the
 * feedback shortened. A prompt that still does not fit is a failure. Each section is measured
 * once (and again only when it is shortened), never the whole prompt.
 *
 * @example
 * const prompt = await buildPrompt({ templates, operator: 'llm-diff', context, format, contextWindow: 32_000, maxOutputTokens: 4_096 });
 * if (!('failure' in prompt)) await model.complete({ messages: prompt.messages, operator: 'llm-diff' });
 */
export async function buildPrompt(request: PromptRequest): Promise<BuiltPrompt | ProposalFailure> {
  const limit = request.contextWindow - request.maxOutputTokens;
  if (limit <= 0) {
    return {
      failure:
        `the model's window of ${request.contextWindow} tokens leaves no room for a prompt beside ` +
        `${request.maxOutputTokens} reply tokens`,
    };
  }
  const sections = renderSections(request.context, request.format, request);
  const pair = [request.templates.system, request.templates[request.operator]] as const;
  const overhead = pair.length * PER_MESSAGE + REPLY_PRIMING;
  const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');
  const byteTotal =
    overhead +
    pair.reduce(
      (sum, template) =>
        sum +
        measureTemplate(
          template,
          valuesOf(sections),
          (node) => node.bytes,
          (name) => (name === 'inspirations' ? listSize(sections.inspirations, bytes, 2) : bytes(sections[name])),
        ),
      0,
    );
  if (byteTotal <= limit) return { messages: render(pair, sections), tokens: byteTotal, trimmed: [] };
  return trimToFit(pair, sections, limit, overhead, await tokenCounter());
}

function trimToFit(
  pair: readonly [Template, Template],
  sections: Sections,
  limit: number,
  overhead: number,
  count: Counter,
): BuiltPrompt | ProposalFailure {
  const sizes = new Map<Placeholder, number>();
  const inspirationSizes = sections.inspirations.map(count);
  const sizeOf = (name: Placeholder): number => {
    if (name === 'inspirations') return listSize(inspirationSizes, (size) => size, 1);
    let size = sizes.get(name);
    if (size === undefined) {
      size = count(sections[name]);
      sizes.set(name, size);
    }
    return size;
  };
  const measure = (): number => {
    const values = valuesOf(sections);
    return (
      overhead +
      pair.reduce((sum, template) => sum + measureTemplate(template, values, (node) => (node.tokens ??= count(node.text)), sizeOf), 0)
    );
  };
  const trimmed: string[] = [];
  let total = measure();
  const offered = sections.inspirations.length;
  while (total > limit && sections.inspirations.length > 0) {
    sections.inspirations.pop();
    inspirationSizes.pop();
    total = measure();
  }
  if (sections.inspirations.length < offered) trimmed.push(`dropped ${offered - sections.inspirations.length} of ${offered} inspirations`);
  const shorten = (name: 'artifacts' | 'feedback'): void => {
    const original = sections[name];
    let kept = original.length;
    for (let attempt = 0; attempt < MAX_SHORTENINGS && total > limit && sections[name] !== ''; attempt++) {
      const size = sizeOf(name);
      const target = size - (total - limit) - CUT_NOTE_TOKENS;
      if (target < MIN_KEPT_TOKENS) sections[name] = '';
      else {
        kept = Math.floor((kept * target) / size);
        sections[name] = cut(original, kept);
      }
      sizes.set(name, count(sections[name]));
      total = measure();
    }
    if (total > limit && sections[name] !== '') {
      sections[name] = '';
      sizes.set(name, 0);
      total = measure();
    }
    if (sections[name] !== original) trimmed.push(sections[name] === '' ? `dropped the ${name}` : `shortened the ${name}`);
  };
  shorten('artifacts');
  if (total > limit && sections.lessons !== '') {
    sections.lessons = '';
    sizes.set('lessons', 0);
    total = measure();
    trimmed.push('dropped the lessons');
  }
  shorten('feedback');
  if (total > limit) return { failure: `prompt needs ${total} tokens, the model's window allows ${limit}` };
  return { messages: render(pair, sections), tokens: total, trimmed };
}

function listSize<T>(items: readonly T[], size: (item: T) => number, separator: number): number {
  let total = 0;
  for (const item of items) total += size(item);
  return items.length === 0 ? 0 : total + separator * (items.length - 1);
}

function valuesOf(sections: Sections): Values {
  return { ...sections, inspirations: sections.inspirations.join('\n\n') };
}

function render(pair: readonly [Template, Template], sections: Sections): ChatMessage[] {
  const values = valuesOf(sections);
  const [system, user] = pair.map((template) => renderTemplate(template, values)) as [string, string];
  return system === ''
    ? [{ role: 'user', content: user }]
    : [
        { role: 'system', content: system },
        { role: 'user', content: user },
      ];
}
