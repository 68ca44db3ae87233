// The initial agent: one LLM loop with a bash tool and an edit tool, deliberately simple (like
// the Darwin Goedel Machine's first agent) so that there is room to improve. Plain Node, no
// dependencies. Inputs: OURO_PROBLEM_FILE (what to do), OURO_WORKSPACE (the files to work on,
// also the working directory), OURO_BROKER_SOCKET (an OpenAI-compatible API on a Unix socket).
import { readFileSync } from 'node:fs';
import { chat, BudgetSpent } from './llm.mjs';
import { listFiles, parseToolCalls, runTool } from './tools.mjs';

const MAX_TURNS = Number(process.env.OURO_MAX_TURNS ?? 30);
const workspace = process.env.OURO_WORKSPACE ?? process.cwd();
const problem = readFileSync(process.env.OURO_PROBLEM_FILE ?? 'PROBLEM.md', 'utf8');

const SYSTEM = `You are a coding agent working in a folder of files. Use tools by writing fenced blocks in your reply:

\`\`\`bash
<a shell command, run in the workspace folder; you see its output>
\`\`\`

\`\`\`edit view <path>
\`\`\`

\`\`\`edit create <path>
<the whole new content of the file>
\`\`\`

\`\`\`edit replace <path>
<<<<<<< SEARCH
<exact lines to find, once>
=======
<lines to put instead>
>>>>>>> REPLACE
\`\`\`

Paths are relative to the workspace. Every block in a reply runs, in order, and you get the outputs.
When the task is complete, reply with a line that says only DONE.`;

const messages = [
  { role: 'system', content: SYSTEM },
  { role: 'user', content: `# Task\n\n${problem}\n\n# Files in the workspace\n\n${listFiles(workspace).join('\n') || '(none)'}` },
];

for (let turn = 1; turn <= MAX_TURNS; turn += 1) {
  let reply;
  try {
    reply = await chat(messages);
  } catch (error) {
    if (error instanceof BudgetSpent) {
      console.log(`[agent] the model budget is spent; stopping: ${error.message}`);
      process.exit(0);
    }
    throw error;
  }
  messages.push({ role: 'assistant', content: reply });
  console.log(`[agent] turn ${turn}:\n${reply}\n`);
  const calls = parseToolCalls(reply);
  const outputs = calls.map((call) => {
    const output = runTool(call, workspace);
    console.log(`[tool ${call.tool} ${call.args.join(' ')}]\n${output}\n`);
    return `[${call.tool} ${call.args.join(' ')}]\n${output}`;
  });
  if (/^\s*DONE\s*$/m.test(reply)) {
    console.log('[agent] done');
    process.exit(0);
  }
  messages.push({
    role: 'user',
    content: calls.length === 0 ? 'No tool block found. Use a tool, or reply DONE when the task is complete.' : outputs.join('\n\n'),
  });
}
console.log(`[agent] stopped after ${MAX_TURNS} turns`);
