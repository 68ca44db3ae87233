// examples/prompt-json-extract: its metric on hand-written replies, its dataset as promptTask loads
// it, and a whole run against a scripted OpenAI-compatible server that answers both the task's
// questions and the LLM operators.
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import config from '../examples/prompt-json-extract/ouro.config.ts';
import evaluate, { stages, task } from '../examples/prompt-json-extract/evaluate.ts';
import { type Extraction, FIELDS, parseAmount } from '../examples/prompt-json-extract/fields.ts';
import { checkedExpected, scoreExtraction } from '../examples/prompt-json-extract/metric.ts';
import { parseJsonReply } from '../examples/prompt-json-extract/parse-json.ts';
import { experimentSchema } from '../src/core/experiment.ts';
import { evolve } from '../src/engine/evolve.ts';
import { promptTask } from '../src/prompt/index.ts';
import { SqliteStore } from '../src/store/sqlite.ts';
import { testContext } from '../src/testing/context.ts';
import { type ScriptedLlmServer, type ScriptedRequest, startScriptedLlmServer } from '../src/testing/scripted-llm-server.ts';

const EXAMPLE = join(import.meta.dirname, '../examples/prompt-json-extract');

interface Row {
  id: string;
  text: string;
  expected: Extraction;
}

const ROWS: Row[] = readFileSync(join(EXAMPLE, 'data.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Row);

const temporary: string[] = [];
afterAll(() => {
  for (const path of temporary) rmSync(path, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const path = mkdtempSync(join(tmpdir(), prefix));
  temporary.push(path);
  return path;
}

const ANA: Extraction = {
  name: 'Ana Costa',
  email: 'ana.costa@example.com',
  company: 'Casa Verde SL',
  amount: 1250.5,
  currency: 'EUR',
  date: '2024-03-05',
};

describe('the metric', () => {
  it('gives full marks to a right answer, and forgives case, spacing, separators and signs', () => {
    expect(scoreExtraction(JSON.stringify(ANA), ANA)).toEqual({ score: 1, feedback: 'All 6 fields right.' });
    const loose = {
      name: ' ana   COSTA ',
      email: 'Ana.Costa@Example.com',
      company: 'casa verde s.l.',
      amount: '€1.250,50',
      currency: '€',
      date: '2024-3-5',
    };
    expect(scoreExtraction(JSON.stringify(loose), ANA).score).toBe(1);
  });

  it('scores the share of fields right and names each wrong or missing field with the expected value', () => {
    const reply = JSON.stringify({
      name: 'Ana Costa',
      email: 'ana.costa@example.com',
      company: 'Casa Verde SL',
      amount: 1205.5,
      date: '5 March 2024',
    });
    const result = scoreExtraction(reply, ANA);
    expect(result.score).toBeCloseTo(3 / 6, 12);
    expect(result.feedback).toBe(
      '3 of 6 fields right. Wrong: amount (expected 1250.5, got 1205.5); date (expected "2024-03-05", got "5 March 2024", ' +
        'which is not a YYYY-MM-DD date). Missing: currency (expected "EUR").',
    );
  });

  it('reads the JSON inside a fenced block or surrounded by prose', () => {
    const fenced = `Here is the record:\n\n\`\`\`json\n${JSON.stringify(ANA, null, 2)}\n\`\`\`\n\nLet me know if you need more.`;
    expect(scoreExtraction(fenced, ANA).score).toBe(1);
    const prose = `Sure! The customer is Ana {see below}. ${JSON.stringify({ ...ANA, amount: 1250.5 })} Hope that helps.`;
    expect(scoreExtraction(prose, ANA).score).toBe(1);
    const bareFence = `\`\`\`\n${JSON.stringify(ANA)}\n\`\`\``;
    expect(parseJsonReply(bareFence)).toEqual({ ok: true, value: ANA });
  });

  it('scores a reply that is not a JSON object 0, with the parse error in the feedback', () => {
    const prose = scoreExtraction('The customer is Ana Costa of Casa Verde, who paid 1,250.50 euros.', ANA);
    expect(prose.score).toBe(0);
    expect(prose.feedback).toContain('no JSON object in the reply (no "{" at all)');
    const broken = scoreExtraction('```json\n{"name": "Ana Costa", "email": null,}\n```', ANA);
    expect(broken.score).toBe(0);
    expect(broken.feedback).toMatch(
      /^No JSON object could be read \(JSON parse error: .+\)\. Answer with one JSON object with the keys name/,
    );
    expect(scoreExtraction('[{"name": 1}]', ANA).score).toBe(0);
    expect(scoreExtraction('["Ana Costa"]', ANA).feedback).toContain("the reply's JSON is an array, expected an object");
    expect(scoreExtraction('   ', ANA).feedback).toContain('the reply is empty');
  });

  it('wants null exactly where the text gives nothing, and takes an empty string for null', () => {
    const expected: Extraction = { ...ANA, email: null, company: null, amount: null, currency: null };
    const reply = JSON.stringify({ ...ANA, email: null, company: '', amount: 0, currency: 'EUR' });
    const result = scoreExtraction(reply, expected);
    expect(result.score).toBeCloseTo(4 / 6, 12);
    expect(result.feedback).toContain('amount (expected null, as the text does not give it, got 0)');
    expect(result.feedback).toContain('currency (expected null, as the text does not give it, got "EUR")');
    const nulled = scoreExtraction(JSON.stringify({ ...ANA, date: null }), ANA);
    expect(nulled.feedback).toContain('date (expected "2024-03-05", got null)');
  });

  it('says what is wrong with a value of the wrong type, and ignores extra keys', () => {
    const result = scoreExtraction(JSON.stringify({ ...ANA, name: ['Ana', 'Costa'], amount: 'a lot', note: 'paid late' }), ANA);
    expect(result.score).toBeCloseTo(4 / 6, 12);
    expect(result.feedback).toContain('name (expected "Ana Costa"; expected text or null, got ["Ana","Costa"])');
    expect(result.feedback).toContain('amount (expected 1250.5; "a lot" is not a number)');
  });

  it('reads amounts written with thousands separators, decimal commas, codes and Indian grouping', () => {
    expect(parseAmount('$12,450.00')).toBe(12450);
    expect(parseAmount('3.200,50 €')).toBe(3200.5);
    expect(parseAmount("CHF 12'450.50")).toBe(12450.5);
    expect(parseAmount('12 450,50 SEK')).toBe(12450.5);
    expect(parseAmount('Rs. 1,20,000')).toBe(120000);
    expect(parseAmount('12,5')).toBe(12.5);
    expect(parseAmount('none')).toBeUndefined();
  });
});

describe('the dataset', () => {
  it('holds 90 to 150 rows with unique ids and texts, each expecting exactly the six fields', () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(90);
    expect(ROWS.length).toBeLessThanOrEqual(150);
    expect(new Set(ROWS.map((row) => row.id)).size).toBe(ROWS.length);
    expect(new Set(ROWS.map((row) => row.text)).size).toBe(ROWS.length);
    for (const row of ROWS) {
      expect(Object.keys(row.expected).sort(), row.id).toEqual([...FIELDS].sort());
      expect(checkedExpected(row as unknown as Record<string, unknown>), row.id).toBe(row.expected);
      // Its own expected answer, as a model would write it, scores 1.
      expect(scoreExtraction(JSON.stringify(row.expected), row.expected).score, row.id).toBe(1);
    }
    // Every field is missing (null) somewhere, so that the prompt has to teach null.
    const nullSomewhere = FIELDS.filter((field) => ROWS.some((row) => row.expected[field] === null));
    expect(nullSomewhere).toEqual([...FIELDS]);
  });

  it('loads through promptTask into 40 train, 40 val and a sealed test split of the rest', () => {
    expect(task.splits).toEqual({ train: 40, val: 40, test: ROWS.length - 80 });
    expect(stages.map((stage) => stage.name)).toEqual(['minibatch']);
    expect(evaluate).toBe(task.evaluate);
    const seen = new Set([...task.ids.train, ...task.ids.val]);
    expect(seen.size).toBe(80);
    for (const id of seen) expect(ROWS.some((row) => row.id === id)).toBe(true);
  });

  it('refuses a row whose expected answer is malformed, naming the line and the field, when the task loads', () => {
    const dir = tempDir('ouro-json-rows-');
    const rows = ROWS.slice(0, 3).map((row) => ({ ...row }));
    rows[1] = { ...rows[1]!, expected: { ...rows[1]!.expected, date: '5 March 2024' } };
    const file = join(dir, 'bad.jsonl');
    writeFileSync(file, `${rows.map((row) => JSON.stringify(row)).join('\n')}\n`);
    const load = () =>
      promptTask({
        dataset: file,
        id: 'id',
        input: 'text',
        target: (row) => JSON.stringify(checkedExpected(row)),
        splits: { train: 1, val: 1 },
      });
    expect(load).toThrow('bad.jsonl:2: the target function threw: expected.date is "5 March 2024"');
    const { currency: _dropped, ...withoutCurrency } = ROWS[0]!.expected;
    expect(() => checkedExpected({ expected: withoutCurrency })).toThrow('expected.currency is missing');
    expect(() => checkedExpected({ expected: { ...ROWS[0]!.expected, amount: '12' } })).toThrow('expected.amount is "12"');
  });

  it('has a config that validates, with a Pareto archive and LLM operators', () => {
    const result = experimentSchema.safeParse(config);
    expect(result.error?.issues ?? []).toEqual([]);
    expect(config.archive).toEqual({ kind: 'pareto' });
    expect(config.genome).toEqual(['system.md', 'examples.md']);
  });
});

// ---- A run against a scripted server -------------------------------------------------------

/** The instruction that makes the scripted task model answer every row right. */
const RULE = 'Write every date as YYYY-MM-DD, and write null for any field the text does not give.';
const ANCHOR = 'Answer with a JSON object with the keys name, email, company, amount, currency and date.';
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const BY_TEXT = new Map(ROWS.map((row) => [row.text, row]));
const SYSTEM_FILE = readFileSync(join(EXAMPLE, 'system.md'), 'utf8');
const EXAMPLES_FILE = readFileSync(join(EXAMPLE, 'examples.md'), 'utf8');

function hashOf(text: string): number {
  return createHash('sha256').update(text).digest()[0] as number;
}

/** The dataset row a request asks about: its last message is the row's text. */
function rowOf(request: ScriptedRequest): Row | undefined {
  const last = request.messages.at(-1);
  return last?.role === 'user' ? BY_TEXT.get(last.content) : undefined;
}

/** Whether the scripted model gets the row right under any prompt (its hash is even); it gets the others right only under RULE. */
function easy(row: Row): boolean {
  return hashOf(row.text) % 2 === 0;
}

/**
 * The scripted task model's answer: right, or (without RULE in the prompt, on a row that is not
 * easy) wrong in the date alone: written out in words, or "unknown" where there is none. The
 * reply's wrapping varies with the row: bare, fenced, or inside prose.
 */
function taskAnswer(request: ScriptedRequest): string {
  const system = request.messages.find((message) => message.role === 'system')?.content ?? '';
  const row = rowOf(request);
  if (row === undefined) return 'I do not know this text.';
  const text = row.text;
  const answer: Record<string, unknown> = { ...row.expected };
  if (!easy(row) && !system.includes(RULE)) {
    const date = row.expected.date;
    answer.date = date === null ? 'unknown' : `${MONTHS[Number(date.slice(5, 7)) - 1]} ${Number(date.slice(8))}, ${date.slice(0, 4)}`;
  }
  const json = JSON.stringify(answer);
  const wrapping = hashOf(`wrap:${text}`) % 3;
  if (wrapping === 0) return json;
  if (wrapping === 1) return `\`\`\`json\n${json}\n\`\`\``;
  return `Here is the record I extracted:\n${json}\nAll fields come from the text.`;
}

/** The lines between a file's EVOLVE markers. */
function regionOf(file: string): string {
  const lines = file.split('\n');
  const start = lines.findIndex((line) => line.includes('EVOLVE-BLOCK-START'));
  const end = lines.findIndex((line) => line.includes('EVOLVE-BLOCK-END'));
  return lines.slice(start + 1, end).join('\n');
}

/** The LLM operators' answers: each adds RULE (numbered, so that no two children are alike) in its operator's reply format. */
function operatorAnswer(request: ScriptedRequest, count: number): string {
  const prompt = request.messages.map((message) => message.content).join('\n');
  const added = `${ANCHOR}\n${RULE} (rule ${count})`;
  if (prompt.includes('<<<<<<< SEARCH')) {
    const edit = ['system.md', '<<<<<<< SEARCH', ANCHOR, '=======', added, '>>>>>>> REPLACE'].join('\n');
    return `Diagnosis: dates are written out in words.\nRationale: ask for ISO dates.\n\n${edit}\n`;
  }
  if (prompt.includes('REGION system.md#1')) {
    const system = regionOf(SYSTEM_FILE).replace(ANCHOR, added);
    const region = (label: string, text: string): string => `REGION ${label}\n\`\`\`\n${text}\n\`\`\``;
    return `Rationale: ask for ISO dates.\n\n${region('system.md#1', system)}\n\n${region('examples.md#1', regionOf(EXAMPLES_FILE))}\n`;
  }
  if (prompt.includes('<the whole merged system.md>')) {
    return `Rationale: both.\n\n\`\`\`\n${SYSTEM_FILE.replace(ANCHOR, added).trimEnd()}\n\`\`\`\n`;
  }
  return 'I have no change to suggest.';
}

let server: ScriptedLlmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A copy of the example folder, as a package of its own, so that nothing the run does lands in the repository. */
function copyOfExample(): string {
  const dir = join(tempDir('ouro-json-run-'), 'prompt-json-extract');
  cpSync(EXAMPLE, dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  return dir;
}

describe('a run of the example against a scripted model', () => {
  it('scores val per row, books the task calls as operator task, and never sends a test row anywhere', async () => {
    let operatorCalls = 0;
    server = await startScriptedLlmServer({
      // A task call's user message is a row's text; anything else is an operator asking for a new prompt.
      respond: (request) => ({ text: rowOf(request) === undefined ? operatorAnswer(request, ++operatorCalls) : taskAnswer(request) }),
    });
    const db = join(tempDir('ouro-json-db-'), 'ouro.db');
    const result = await evolve(copyOfExample(), {
      db,
      seed: 5,
      concurrency: 1,
      budget: { evaluations: 4 },
      models: [`compat:${server.compatBaseURL}#scripted`],
    });
    expect(result.evaluations).toBe(4);
    // The first child that carries RULE gets every row right.
    expect(result.bestScore).toBe(1);
    expect(result.bestGenome?.['system.md']).toContain(RULE);

    const valRows = ROWS.filter((row) => task.ids.val.includes(row.id));
    const valTexts = valRows.map((row) => row.text);
    const sealed = new Set([...task.ids.train, ...task.ids.val]);
    const testTexts = ROWS.filter((row) => !sealed.has(row.id)).map((row) => row.text);
    expect(testTexts).toHaveLength(ROWS.length - 80);

    const store = new SqliteStore(db, { readonly: true });
    try {
      const initial = store.getCandidate(`${result.runId}-0`);
      expect(initial?.evaluation.status).toBe('ok');
      expect(initial?.evaluation.stage).toBe('final');
      // Per-row val scores: 1 on the easy rows, 5 of 6 fields on the others (the date is wrong).
      const wanted = Object.fromEntries(valRows.map((row) => [row.id, easy(row) ? 1 : 5 / 6]));
      expect(Object.keys(initial?.evaluation.instances ?? {}).sort()).toEqual([...task.ids.val].sort());
      for (const [id, score] of Object.entries(wanted)) expect(initial?.evaluation.instances[id], id).toBeCloseTo(score, 12);
      const mean = Object.values(wanted).reduce((sum, score) => sum + score, 0) / valRows.length;
      expect(initial?.evaluation.score).toBeCloseTo(mean, 12);
      expect(mean).toBeLessThan(1);

      const calls = store.llmCalls(result.runId);
      const taskCalls = calls.filter((call) => call.operator === 'task');
      const operatorCallsBooked = calls.filter((call) => call.operator !== 'task');
      // Candidate 0 alone asks 3 minibatch and 40 val questions.
      expect(taskCalls.length).toBeGreaterThanOrEqual(43);
      expect(operatorCallsBooked.length).toBe(operatorCalls);
      for (const call of operatorCallsBooked) expect(['llm-reflect', 'llm-rewrite', 'llm-merge']).toContain(call.operator);
      // Every task call is booked under the candidate it scored, at temperature 0, and every candidate made some.
      expect(taskCalls.every((call) => call.request.temperature === 0)).toBe(true);
      expect(new Set(taskCalls.map((call) => call.proposal))).toEqual(new Set([0, 1, 2, 3].map((seq) => `${result.runId}-${seq}`)));

      const recorded = calls.flatMap((call) => call.request.messages.map((message) => message.content)).join('\n');
      const sent = server.requests.flatMap((request) => request.messages.map((message) => message.content)).join('\n');
      const kept = [0, 1, 2, 3].map((seq) => JSON.stringify(store.getCandidate(`${result.runId}-${seq}`)?.evaluation)).join('\n');
      // Feedback and artifacts keep inputs shortened: a row's opening is what would show there.
      const opening = (text: string): string => JSON.stringify(text.slice(0, 120)).slice(1, -1);
      // The check means something: val rows do travel in the calls and the stored evaluations.
      expect(valTexts.every((text) => recorded.includes(text))).toBe(true);
      expect(valTexts.every((text) => kept.includes(opening(text)))).toBe(true);
      for (const text of testTexts) {
        expect(recorded.includes(text)).toBe(false);
        expect(sent.includes(text)).toBe(false);
        expect(kept.includes(opening(text))).toBe(false);
      }
    } finally {
      store.close();
    }
  }, 60_000);
});

describe('without a model', () => {
  it('stops the run before any evaluation, saying that a model is needed and how to name one', async () => {
    const db = join(tempDir('ouro-json-none-'), 'ouro.db');
    await expect(evolve(copyOfExample(), { db, seed: 1 })).rejects.toThrow(
      /operators names llm-reflect, llm-rewrite, llm-merge, but no model is configured: .*pass --model/,
    );
    const store = new SqliteStore(db, { readonly: true });
    try {
      expect(store.listRuns()).toEqual([]);
    } finally {
      store.close();
    }
  }, 60_000);

  it('has an evaluator that refuses to score without a model, naming the --model forms', async () => {
    const genome = { 'system.md': SYSTEM_FILE, 'examples.md': EXAMPLES_FILE };
    const context = testContext(genome, { experimentDir: EXAMPLE });
    try {
      const refused = /this prompt task calls a model to answer each instance, and the run has none: run with --model.*compat:/;
      await expect(task.stages[0]!.evaluate(genome, context)).rejects.toThrow(refused);
      await expect(task.evaluate(genome, context)).rejects.toThrow(refused);
    } finally {
      context.dispose();
    }
  });
});
