import { Command, CommanderError } from 'commander';
import { loadExperiment, type LoadedExperiment } from '../engine/load-experiment.ts';
import { registerConvert } from './commands/convert.ts';
import { registerInit } from './commands/init.ts';
import { registerInspect } from './commands/inspect.ts';
import { registerModels } from './commands/models.ts';
import { registerPlot } from './commands/plot.ts';
import { registerSoup } from './commands/soup.ts';
import { registerUi } from './commands/ui.ts';
import { registerResume, registerRun } from './commands/run.ts';
import { registerFleet } from './commands/fleet.ts';
import { registerWorker } from './commands/worker.ts';
import { addExperimentOptions } from './experiment-options.ts';
import { reportError } from './output.ts';

/** Builds and runs the `ouro` command line; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const json = argv.includes('--json');
  try {
    const experiment = await experimentForRun(argv);
    const program = new Command('ouro')
      .description('Ouroboros: self-evolving programs, prompts and agents')
      .exitOverride()
      .showHelpAfterError();
    const run = registerRun(program, experiment);
    if (experiment) addExperimentOptions(run, experiment);
    registerResume(program);
    registerInspect(program);
    registerInit(program);
    registerConvert(program);
    registerModels(program);
    registerPlot(program);
    registerUi(program);
    registerSoup(program);
    registerWorker(program);
    registerFleet(program);
    (await import('./commands/agents.ts')).registerAgents(program);
    (await import('./commands/flywheel.ts')).registerFlywheel(program);
    (await import('./commands/tasks.ts')).registerTasks(program);
    (await import('./commands/selfplay.ts')).registerSelfplay(program);
    await program.parseAsync(argv, { from: 'user' });
    // A command that finished but found a problem (a model that does not answer) sets the code itself.
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    return reportError(
      error,
      json,
      argv.find((arg) => !arg.startsWith('-')),
    );
  }
}

/** `ouro run <dir>` loads the experiment first so that its own options become flags (and show in --help). */
async function experimentForRun(argv: string[]): Promise<LoadedExperiment | undefined> {
  const at = argv.indexOf('run');
  if (at === -1 || argv.slice(0, at).some((arg) => !arg.startsWith('-'))) return undefined;
  const valued = new Set(['--seed', '--budget', '--concurrency', '--db', '--model', '--replay', '--fleet']);
  for (let index = at + 1; index < argv.length; index++) {
    const arg = argv[index] as string;
    if (valued.has(arg)) index++;
    else if (!arg.startsWith('-')) return loadExperiment(arg);
  }
  return undefined;
}

process.exitCode = await main(process.argv.slice(2));
