// The seed improver of STOP (Zelikman et al., 2023): ask the model for a better version of the
// program a few times and keep the best by utility. It runs in an isolate: `utility` and `llm`
// are host functions, each with a budget of calls (`utility.budget`, `llm.budget`).

// Built rather than written, so that this file, when it is the program being improved, holds no
// fence that would cut a reply short.
const FENCE = '`'.repeat(3);
const FENCED = new RegExp(`${FENCE}(?:javascript|js|mjs)?[ \\t]*\\n([\\s\\S]*)\\n${FENCE}`);

function extractProgram(reply) {
  // Greedy: the program itself may hold fences inside strings; the reply's last one closes it.
  const fenced = FENCED.exec(reply);
  const text = fenced ? fenced[1] : reply;
  return text.includes('export') ? `${text.trim()}\n` : undefined;
}

function prompt(program, score, description) {
  return [
    'Improve the following JavaScript module so that it scores higher.',
    `How it is scored: ${description}`,
    `Its current score is ${score}.`,
    `Keep its exports and their signatures. Reply with the complete new module in one ${FENCE}javascript block.`,
    `${FENCE}javascript`,
    program,
    FENCE,
  ].join('\n');
}

export async function improve(program, utility, llm) {
  let best = program;
  let bestScore = await utility(program);
  const attempts = Math.min(3, llm.budget, utility.budget - 1);
  for (let attempt = 0; attempt < attempts; attempt++) {
    let candidate;
    try {
      candidate = extractProgram(await llm(prompt(best, bestScore, utility.description)));
    } catch {
      break;
    }
    if (candidate === undefined || candidate === best) continue;
    const score = await utility(candidate);
    if (score > bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return best;
}
