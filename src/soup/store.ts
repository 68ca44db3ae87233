import type { RngState } from "../core/rng.ts";
import type { RunStatus } from "../store/store.ts";

/** What a soup run was started with: enough to resume it and to read its figures. */
export interface SoupRunSettings {
  mutation: number;
  maxSteps: number;
  /** Metrics are written every this many epochs. */
  metricsEvery: number;
  /** Snapshots are written every this many epochs (and when the run stops). */
  snapshotEvery: number;
  /** The epoch the run aims for. */
  epochs: number;
  /** Stop once high-order entropy passes the transition threshold. */
  stopOnTransition: boolean;
  /** Programs written into the soup before the first epoch, as hex. */
  seeded: string[];
}

export interface NewSoupRun {
  id: string;
  substrate: string;
  size: number;
  seed: number;
  settings: SoupRunSettings;
  createdAt: number;
}

export interface SoupRunRecord extends NewSoupRun {
  status: RunStatus;
}

export interface SoupRunSummary {
  id: string;
  substrate: string;
  size: number;
  status: RunStatus;
  /** The last epoch with metrics (0 before the first epoch). */
  epoch: number;
  highOrderEntropy: number | null;
  transitionEpoch: number | null;
  createdAt: number;
}

export interface ProgramAbundance {
  /** The program's 64 bytes as hex. */
  program: string;
  count: number;
}

/** The soup measured after `epoch` epochs; counts of interactions and steps are since epoch 0. */
export interface SoupMetrics {
  epoch: number;
  shannonEntropy: number;
  highOrderEntropy: number;
  distinctPrograms: number;
  topPrograms: ProgramAbundance[];
  /** Replicator score (0–64) of the most common program. */
  topReplicatorScore: number;
  interactions: number;
  steps: number;
  /** Wall time over all sessions of the run. */
  elapsedMs: number;
  /** How many of the soup's bytes hold each value 0–255. */
  histogram: Uint32Array;
}

/** The whole soup after `epoch` epochs and the RNG state the next epoch starts from. */
export interface SoupSnapshot {
  epoch: number;
  substrate: string;
  bytes: Uint8Array;
  rngState: RngState;
  interactions: number;
  steps: number;
  elapsedMs: number;
}

export type SoupEventKind = "started" | "resumed" | "stopped" | "finished";

/** Soup runs in the store: append-only like every other table. */
export interface SoupStore {
  createSoupRun(run: NewSoupRun): void;
  getSoupRun(id: string): SoupRunRecord | undefined;
  listSoupRuns(): SoupRunSummary[];
  appendSoupEvent(runId: string, kind: SoupEventKind, data?: unknown): void;
  /** Writes one row of metrics; a second row for the same epoch (after a resume) is ignored. */
  recordSoupMetrics(runId: string, metrics: SoupMetrics): void;
  /** The run's metrics, oldest first. */
  soupMetrics(runId: string): SoupMetrics[];
  /** Writes a snapshot in one transaction; a second one for the same epoch is ignored. */
  saveSoupSnapshot(runId: string, snapshot: SoupSnapshot): void;
  /** The snapshot with the highest epoch, or one epoch's. */
  soupSnapshot(runId: string, epoch?: number): SoupSnapshot | undefined;
  /** Epochs that have a snapshot, oldest first. */
  soupSnapshotEpochs(runId: string): number[];
}

/** High-order entropy above which the paper calls a soup transitioned. */
export const TRANSITION_ENTROPY = 3;
