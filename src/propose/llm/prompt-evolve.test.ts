import { describe, expect, it } from 'vitest';
import { ModelCallError } from '../../core/model.ts';
import { parseTemplateReply, PROMPT_EVOLVE, rewriteTemplate, templateRewritePrompt, type TemplateRewriteRequest } from './prompt-evolve.ts';
import { scriptedModel } from './test-model.ts';

const TEMPLATE = '## Version (score {{parent_score}})\n\n{{parent}}\n\nImprove it. Not [[statistics]].\n\n{{format}}\n';

const request: TemplateRewriteRequest = {
  operator: 'llm-diff',
  template: TEMPLATE,
  placeholders: ['parent_score', 'parent', 'format'],
  statistics: '- It prompted 4 proposals.\n',
  maxOutputTokens: 1_000,
};

describe('templateRewritePrompt', () => {
  it('shows the template between its delimiters, its statistics and the placeholders to keep, in one user message', () => {
    const messages = templateRewritePrompt(request);
    expect(messages.map((message) => message.role)).toEqual(['user']);
    const content = messages[0]?.content ?? '';
    expect(content).toContain(`<<<TEMPLATE\n${TEMPLATE.trimEnd()}\nTEMPLATE>>>`);
    expect(content).toContain('The operator `llm-diff`');
    expect(content).toContain('- It prompted 4 proposals.');
    expect(content).toContain('spelled the same way: `{{parent_score}}`, `{{parent}}`, `{{format}}`.');
    expect(content).toContain('`{{second_parent}}`');
    // Slots are filled in one pass: the template's own text is never taken for a slot.
    expect(content).toContain('Not [[statistics]].');
    expect(content).not.toMatch(/\[\[(operator|template|placeholders|known)\]\]/);
  });
});

describe('parseTemplateReply', () => {
  it('reads the template between the delimiters and the rationale before them', () => {
    expect(
      parseTemplateReply('Rationale: asks for one change.\n\n<<<TEMPLATE\n{{parent}}\nOne change.\n{{format}}\nTEMPLATE>>>\n'),
    ).toEqual({
      text: '{{parent}}\nOne change.\n{{format}}\n',
      rationale: 'asks for one change.',
    });
  });

  it('drops a code fence around the template, and takes the last closing line', () => {
    const reply = '<<<TEMPLATE\n```markdown\n{{parent}}\nTEMPLATE>>> is how it ends\n{{format}}\n```\nTEMPLATE>>>';
    expect(parseTemplateReply(reply)).toEqual({ text: '{{parent}}\nTEMPLATE>>> is how it ends\n{{format}}\n' });
  });

  it('fails, keeping the reply, when the delimiters are missing', () => {
    expect(parseTemplateReply('Here is a better template: {{parent}} {{format}}')).toEqual({
      failure: 'the reply holds no template between a line <<<TEMPLATE and a line TEMPLATE>>>',
      reply: 'Here is a better template: {{parent}} {{format}}',
    });
    expect(parseTemplateReply('<<<TEMPLATE\n{{parent}}\n')).toMatchObject({ failure: expect.stringMatching(/no template/) });
  });
});

describe('rewriteTemplate', () => {
  it('makes one call, booked under prompt-evolve with the reply cap asked for', async () => {
    const model = scriptedModel(['Rationale: shorter.\n<<<TEMPLATE\n{{parent}}\n{{format}}\nTEMPLATE>>>']);
    expect(await rewriteTemplate(model, request)).toEqual({ text: '{{parent}}\n{{format}}\n', rationale: 'shorter.' });
    expect(model.requests).toHaveLength(1);
    expect(model.requests[0]).toMatchObject({ operator: PROMPT_EVOLVE, maxOutputTokens: 1_000 });
  });

  it('turns a failed call into a failure, and names the cap when a cut reply holds no template', async () => {
    const failing = scriptedModel([new ModelCallError('http', 'HTTP 500', 'compat:qwen', 500)]);
    expect(await rewriteTemplate(failing, request)).toEqual({ failure: 'model call failed (http): HTTP 500' });
    const cut = scriptedModel([{ text: '<<<TEMPLATE\n{{parent}}', finishReason: 'length' }]);
    expect(await rewriteTemplate(cut, request)).toMatchObject({
      failure: expect.stringMatching(/^reply hit the output-token cap before the template was complete/),
      reply: '<<<TEMPLATE\n{{parent}}',
    });
  });

  it('lets an error that is not about the model go up', async () => {
    const broken = scriptedModel([new TypeError('a bug in the handle')]);
    await expect(rewriteTemplate(broken, request)).rejects.toThrow(/a bug in the handle/);
  });
});
