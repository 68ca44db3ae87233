/**
 * SCRIPTED sneaky and critic models: a SIMULATION of the sneaky-critic game's two players, for
 * tests. No model is involved. The sneaky responder knows a few tasks of the scripted proposer's
 * coding pool (isPrime, gcd, encode, reverseWords) and answers with a hand-written variant of the
 * reference: an off-by-one, a missed edge case, an obviously wrong one, a correct rewrite, or prose
 * that does not parse. The critic responder recognises those variants and, by its plan, names the
 * input that shows the bug, names an ordinary input that shows nothing, says `correct`, or
 * answers in prose. Plans are consumed in order, then drawn from a seeded generator.
 */
import { Rng } from '../core/rng.ts';
import { readBlocks, writeBlock } from '../tasks/generate/format.ts';
import type { ScriptedRequest, ScriptStep } from './scripted-llm-server.ts';

/** What the sneaky responder writes. */
export type SneakyPlan = 'off-by-one' | 'missed-edge' | 'obvious' | 'correct' | 'unparseable';
/** What the critic responder answers: `find` names the bug's input (or says correct of a correct solution). */
export type CriticPlan = 'find' | 'miss' | 'correct' | 'unparseable';

type Variant = 'off-by-one' | 'missed-edge' | 'obvious' | 'correct';

/** A planted variant, and the argument list that shows it (for a correct one, an input where both agree). */
export interface SneakyVariant {
  code: string;
  input: unknown[];
}

/** A task the simulation knows, by the function its reference exports. */
export interface SneakyCase {
  name: string;
  /** An input on which every variant agrees with the reference: what a critic names when it misses. */
  ordinary: unknown[];
  variants: Partial<Record<Variant, SneakyVariant>>;
}

const fn = (signature: string, ...body: string[]): string =>
  `export function ${signature} {\n${body.map((line) => `  ${line}`).join('\n')}\n}`;

/**
 * The known tasks. Against the coding pool's four tests each: isPrime's off-by-one passes 3 (it calls
 * squares of primes prime), its obvious variant 1; gcd's and encode's missed edges pass all 4
 * (a negative first argument with a zero or smaller second; a newline inside the text);
 * reverseWords' missed edge passes 3 (runs of spaces).
 */
export const SNEAKY_CASES: readonly SneakyCase[] = [
  {
    name: 'isPrime',
    ordinary: [13],
    variants: {
      'off-by-one': {
        code: fn(
          'isPrime(n)',
          'if (n < 2) return false;',
          'for (let d = 2; d * d < n; d++) if (n % d === 0) return false;',
          'return true;',
        ),
        input: [49],
      },
      obvious: { code: fn('isPrime(n)', 'return n % 2 === 1;'), input: [9] },
      correct: {
        code: fn(
          'isPrime(n)',
          'if (n < 2) return false;',
          'for (let d = 2; d <= Math.sqrt(n); d++) if (n % d === 0) return false;',
          'return true;',
        ),
        input: [97],
      },
    },
  },
  {
    name: 'gcd',
    ordinary: [12, 18],
    variants: {
      'missed-edge': {
        code: fn('gcd(a, b)', 'let [x, y] = [a, Math.abs(b)];', 'while (y !== 0) [x, y] = [y, x % y];', 'return x;'),
        input: [-6, 0],
      },
      correct: { code: fn('gcd(a, b)', 'if (b === 0) return Math.abs(a);', 'return gcd(b, a % b);'), input: [-8, 12] },
    },
  },
  {
    name: 'encode',
    ordinary: ['aabccc'],
    variants: {
      'missed-edge': {
        code: fn('encode(text)', "return (text.match(/(.)\\1*/g) ?? []).map((run) => run[0] + run.length).join('');"),
        input: ['a\n\nb'],
      },
    },
  },
  {
    name: 'reverseWords',
    ordinary: ['one two three'],
    variants: {
      'missed-edge': { code: fn('reverseWords(text)', "return text.split(' ').reverse().join(' ');"), input: ['a  b'] },
    },
  },
];

/** What one request was served. */
export interface SneakyServed {
  side: 'sneaky' | 'critic';
  plan: SneakyPlan | CriticPlan;
  /** The task's function, when the prompt named a known one. */
  name?: string;
  reply: string;
}

export interface SneakyCriticSimOptions {
  /** The sneaky side's plans, in order; then drawn at random among the wrong variants (with `correctShare` correct). */
  sneaky?: readonly SneakyPlan[];
  /** The critic's plans, in order; then drawn at random: `find` with `findShare`, else `correct` or `miss`. */
  critic?: readonly CriticPlan[];
  seed?: number;
  /** Default 0.6. */
  findShare?: number;
  /** Default 0.2. */
  correctShare?: number;
}

/**
 * A responder for the scripted LLM server that plays both sides: a prompt holding a `reference`
 * block is the sneaky side's, one holding a `solution` block the critic's.
 *
 * @example
 * const sim = createSneakyCriticSim({ sneaky: ['off-by-one'], critic: ['find'] });
 * const server = await startScriptedLlmServer({ respond: sim.respond });
 */
export function createSneakyCriticSim(options: SneakyCriticSimOptions = {}): {
  respond: (request: ScriptedRequest) => ScriptStep;
  served: SneakyServed[];
} {
  const rng = Rng.fromSeed(options.seed ?? 1);
  const sneakyPlans = [...(options.sneaky ?? [])];
  const criticPlans = [...(options.critic ?? [])];
  const served: SneakyServed[] = [];
  const respond = (request: ScriptedRequest): ScriptStep => {
    const prompt = request.messages.filter((message) => message.role === 'user').at(-1)?.content ?? '';
    const blocks = readBlocks(prompt);
    const reference = blocks.get('reference');
    if (reference !== undefined) {
      const plan = sneakyPlans.shift() ?? drawSneaky(rng, options.correctShare ?? 0.2);
      const found = caseOf(reference);
      const reply = sneakyReply(found, plan);
      served.push({ side: 'sneaky', plan, name: found?.name, reply });
      return { text: reply };
    }
    const solution = blocks.get('solution') ?? '';
    const plan = criticPlans.shift() ?? drawCritic(rng, options.findShare ?? 0.6);
    const found = caseOf(solution);
    const reply = criticReply(found, solution, plan);
    served.push({ side: 'critic', plan, name: found?.name, reply });
    return { text: reply };
  };
  return { respond, served };
}

/** The sneaky side's reply for a known task and plan; prose for an unknown task or the `unparseable` plan. */
export function sneakyReply(found: SneakyCase | undefined, plan: SneakyPlan): string {
  if (found === undefined || plan === 'unparseable') return 'I would rather not hand in a wrong solution on purpose.';
  const order: Variant[] = plan === 'correct' || plan === 'obvious' ? [plan] : [plan, plan === 'off-by-one' ? 'missed-edge' : 'off-by-one'];
  const variant = order.map((name) => found.variants[name]).find((item) => item !== undefined) ?? found.variants.correct;
  if (variant === undefined) return `I know ${found.name} but have no variant of it to offer.`;
  return [
    'Here is my version; it looks right at a glance.',
    '',
    writeBlock('solution', variant.code),
    writeBlock('function', found.name),
    writeBlock('input', JSON.stringify(variant.input)),
  ].join('\n');
}

/** The critic's reply to a solution, by plan. */
export function criticReply(found: SneakyCase | undefined, solution: string, plan: CriticPlan): string {
  if (plan === 'unparseable') return 'It looks fine to me, mostly, though I am not sure.';
  if (plan === 'correct' || found === undefined) return `I traced it on a few inputs.\n\n${writeBlock('verdict', 'correct')}`;
  const variant = Object.entries(found.variants).find(([, item]) => item.code.trim() === solution.trim());
  const wrong = variant !== undefined && variant[0] !== 'correct';
  if (plan === 'find' && !wrong) return `No input breaks it.\n\n${writeBlock('verdict', 'correct')}`;
  const input = plan === 'find' && wrong ? variant[1].input : found.ordinary;
  return [
    'This input should expose it.',
    '',
    writeBlock('verdict', 'wrong'),
    writeBlock('function', found.name),
    writeBlock('input', JSON.stringify(input)),
  ].join('\n');
}

/** The known case whose function the code exports, if any. */
export function caseOf(code: string): SneakyCase | undefined {
  const names = [...code.matchAll(/export\s+(?:async\s+)?function\s+([\w$]+)/g)].map((match) => match[1]);
  return SNEAKY_CASES.find((item) => names.includes(item.name));
}

function drawSneaky(rng: Rng, correctShare: number): SneakyPlan {
  if (rng.next() < correctShare) return 'correct';
  return (['off-by-one', 'missed-edge', 'obvious'] as const)[rng.int(3)] as SneakyPlan;
}

function drawCritic(rng: Rng, findShare: number): CriticPlan {
  const draw = rng.next();
  if (draw < findShare) return 'find';
  return draw < findShare + (1 - findShare) / 2 ? 'correct' : 'miss';
}
