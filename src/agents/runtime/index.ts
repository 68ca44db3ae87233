export { AGENT_RUNNER_DEFAULTS, createAgentRunner, type AgentRunnerOptions } from './runner.ts';
export { checkAgentGenome, loadAgentDir } from './load-agent.ts';
