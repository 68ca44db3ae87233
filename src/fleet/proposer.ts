// The controller's side of proposing on the fleet: a model operator's proposal becomes a BullMQ job.
import { relative, resolve, sep } from 'node:path';
import type { LlmExchange } from '../core/model.ts';
import type { Operator, ProposalResult, RemoteProposalRequest, RemoteProposals } from '../core/operator.ts';
import type { ProposalSetup, StartProposals } from '../core/evaluators.ts';
import { PROPOSE_QUEUE, ouroVersion } from './connection.ts';
import { greetWorkers, openFleet, type FleetSetup } from './evaluator.ts';
import { failureMessage, FleetJobs } from './jobs.ts';
import { MAX_STALLED_COUNT } from './locks.ts';
import { encodeView, exchangesKey, parseProposal, proposeJobId, type ProposeJob } from './protocol.ts';
import { LLM_OPERATORS } from '../propose/llm/index.ts';

export interface FleetProposerOptions extends ProposalSetup {
  url: string;
  notice?: (message: string, warning?: boolean) => void;
}

/**
 * Whether workers can make this operator's proposals: a built-in model operator. A worker builds
 * its operator from the name alone, so one the experiment defined itself stays on the controller,
 * even when it calls a model.
 */
export function fleetCanPropose(operator: Operator): boolean {
  // llm-merge reads the run's lineage from the store, which a worker does not have: it stays here.
  return operator.usesModel === true && LLM_OPERATORS.includes(operator.name) && operator.name !== 'llm-merge';
}

/** A worker that cannot reach a model (no key, a refused connection) is worth retrying on another. */
const ATTEMPTS = 3;

/**
 * Proposes with the run's model operators on fleet workers, so that many machines wait on model
 * replies at once. Embedded operators stay on the controller: they take microseconds, and a round
 * trip through Redis costs milliseconds. Every model exchange a worker makes is appended to a Redis
 * list as it happens, so the calls of an attempt whose worker died are booked too.
 */
export class FleetProposer implements RemoteProposals {
  private constructor(
    private readonly options: FleetProposerOptions,
    private readonly setup: FleetSetup,
    private readonly jobs: FleetJobs<ProposeJob, ProposalResult>,
  ) {}

  static async start(options: FleetProposerOptions): Promise<FleetProposer> {
    const setup = await openFleet(options.url, options.experimentDir);
    try {
      const jobs = await FleetJobs.open<ProposeJob, ProposalResult>(
        { url: options.url, ...setup, notice: options.notice },
        {
          queue: PROPOSE_QUEUE,
          attempts: ATTEMPTS,
          subject: (data) => ({ proposal: data.proposal }),
          parse: (value) => parseProposal(value),
          failed: (_data, reason, attempts) => ({ failure: failureMessage(reason, attempts, MAX_STALLED_COUNT, 'proposal') }),
        },
      );
      await greetWorkers(setup.redis, options.url, 'propose', options.notice).catch(async (error: unknown) => {
        await jobs.close();
        throw error;
      });
      return new FleetProposer(options, setup, jobs);
    } catch (error) {
      setup.redis.close();
      throw error;
    }
  }

  accepts(operator: Operator): boolean {
    return fleetCanPropose(operator);
  }

  async propose(request: RemoteProposalRequest): Promise<{ result: ProposalResult; exchanges: LlmExchange[] }> {
    const { options } = this;
    const proposal = request.proposal ?? `${Date.now().toString(36)}.${request.seed}`;
    const config = request.model ? (options.models.find((model) => model.id === request.model) ?? { id: request.model }) : undefined;
    const templates = options.templatesDir
      ? relative(resolve(options.experimentDir), resolve(options.templatesDir)).split(sep).join('/')
      : undefined;
    const data: ProposeJob = {
      version: ouroVersion(),
      bundle: this.setup.bundle.hash,
      operator: request.operator,
      maxOutputTokens: options.llm.maxOutputTokens,
      proposal,
      seed: request.seed,
      lessons: [...request.lessons],
      allowance: request.allowance,
      parents: request.parents.map(encodeView),
      inspirations: request.inspirations.map(encodeView),
      ...(templates && !templates.startsWith('..') ? { prompts: templates } : {}),
      ...(config ? { model: { config: { ...config }, llm: { ...options.llm } } } : {}),
      ...(request.description ? { description: request.description } : {}),
    };
    const jobId = proposeJobId(options.runId, proposal);
    const stop = (): void => void this.jobs.abandon(jobId);
    request.signal?.addEventListener('abort', stop, { once: true });
    let result: ProposalResult;
    try {
      result = await this.jobs.run(jobId, data);
    } catch (error) {
      if (!request.signal?.aborted) throw error;
      result = { failure: 'the run stopped while the proposal was on the fleet' };
    } finally {
      request.signal?.removeEventListener('abort', stop);
    }
    return { result, exchanges: await this.takeExchanges(jobId) };
  }

  async close(): Promise<void> {
    await this.jobs.close();
    this.setup.redis.close();
  }

  /** The exchanges the workers appended for a job, removed from Redis so they are booked once. */
  private async takeExchanges(jobId: string): Promise<LlmExchange[]> {
    const key = exchangesKey(jobId);
    try {
      const [items] = await Promise.all([
        this.setup.redis.command('LRANGE', [key, 0, -1]) as Promise<string[]>,
        this.setup.redis.command('DEL', [key]),
      ]);
      return items.flatMap((item) => {
        try {
          return [JSON.parse(item) as LlmExchange];
        } catch {
          return [];
        }
      });
    } catch (error) {
      this.options.notice?.(
        `fleet: could not read the model calls of ${jobId} (${(error as Error).message}); they are missing from the ledger`,
        true,
      );
      return [];
    }
  }
}

/** `EvolveOptions.proposals` for a fleet on this Redis: model operators propose on `ouro worker` processes. */
export function fleetProposals(url: string): StartProposals {
  return (setup, notice) => FleetProposer.start({ ...setup, url, notice });
}
