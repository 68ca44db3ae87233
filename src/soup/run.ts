import { randomBytes } from "node:crypto";
import { OuroError } from "../core/errors.ts";
import { Rng } from "../core/rng.ts";
import { toHex } from "./hex.ts";
import { measureSoup } from "./measure.ts";
import { DEFAULT_MUTATION, DEFAULT_SOUP_SIZE, Soup, validateMutation, validateSoupSize } from "./soup.ts";
import { DEFAULT_MAX_STEPS } from "./bff.ts";
import type { Substrate } from "./substrate.ts";
import { substrateByName } from "./substrates.ts";
import { SoupThreads, validateWorkers } from "./workers.ts";
import { SqliteStore } from "../store/sqlite.ts";
import { requireSqliteFile } from "../store/open.ts";
import { TRANSITION_ENTROPY, type SoupMetrics, type SoupRunRecord, type SoupRunSettings, type SoupStore } from "./store.ts";
import { SOUP_TABLES } from "./store-sqlite.ts";

export const MAX_EPOCHS = 100_000_000;
export const MAX_STEPS_LIMIT = 1 << 20;
/** How many of the most common programs each metrics row keeps. */
export const TOP_PROGRAMS = 10;

export interface SoupRunOptions {
  /** Database path, or an open SQLite store (the caller keeps ownership). */
  db: string | SqliteStore;
  /** Resume this run from its latest snapshot instead of starting a new one. */
  resume?: string;
  size?: number;
  /** Total epochs to reach (for a resumed run, counted from its epoch 0). */
  epochs?: number;
  seed?: number;
  mutation?: number;
  substrate?: string;
  workers?: number;
  maxSteps?: number;
  metricsEvery?: number;
  snapshotEvery?: number;
  stopOnTransition?: boolean;
  /** Programs written over programs 0, 1, ... before the first epoch (such as a known replicator). */
  seedPrograms?: Uint8Array[];
  signal?: AbortSignal;
  /** Called with every metrics row as it is written. */
  onMetrics?: (metrics: SoupMetrics, run: SoupRunRecord, session: SoupSessionRate) => void;
  /** Called with the run before its first epoch. */
  onStart?: (run: SoupRunRecord, startEpoch: number) => void;
}

export interface SoupSessionRate {
  interactionsPerSecond: number;
  stepsPerSecond: number;
}

export interface SoupRunResult extends SoupSessionRate {
  runId: string;
  substrate: string;
  size: number;
  epochs: number;
  highOrderEntropy: number;
  transitionEpoch: number | null;
  stoppedBy: "epochs" | "transition" | "signal";
  topPrograms: Array<{ program: string; text: string; count: number }>;
  topReplicatorScore: number;
  elapsedMs: number;
}

/**
 * Runs a soup to its epoch target, writing metrics and snapshots to the store, and resumes one
 * from its latest snapshot. Every random draw comes from one RNG whose state each snapshot keeps,
 * so a resumed run continues exactly as the uninterrupted one would have, on any number of threads.
 */
export async function runSoup(options: SoupRunOptions): Promise<SoupRunResult> {
  if (typeof options.db === "string") requireSqlite(options.db);
  const owned = typeof options.db === "string";
  const store = typeof options.db === "string" ? new SqliteStore(options.db) : options.db;
  try {
    const soups = store.tables(SOUP_TABLES);
    if (!soups)
      throw new OuroError("store-version", `${store.location} has no soup tables; open it for writing once to upgrade it`, {
        file: store.location,
      });
    return await runWith(soups, options);
  } finally {
    if (owned) store.close();
  }
}

async function runWith(soups: SoupStore, options: SoupRunOptions): Promise<SoupRunResult> {
  validateField("workers", () => validateWorkers(options.workers ?? 1));
  const start = options.resume ? resumePoint(soups, options) : newRun(soups, options);
  const { run, soup, rng } = start;
  const settings = run.settings;
  const workers = options.workers ?? 1;
  let { epoch, interactions, steps } = start;
  const elapsedBefore = start.elapsedMs;
  const began = performance.now();
  const elapsed = () => elapsedBefore + performance.now() - began;
  let sessionInteractions = 0;
  let sessionSteps = 0;
  const rate = (): SoupSessionRate => {
    const seconds = (performance.now() - began) / 1000;
    return {
      interactionsPerSecond: seconds > 0 ? sessionInteractions / seconds : 0,
      stepsPerSecond: seconds > 0 ? sessionSteps / seconds : 0,
    };
  };

  // Rows past the snapshot (written before a crash) are measured again, with the same values.
  const recorded = soups.soupMetrics(run.id).filter((row) => row.epoch <= epoch);
  let last = recorded.at(-1);
  let transitionEpoch = recorded.find((row) => row.highOrderEntropy > TRANSITION_ENTROPY)?.epoch ?? null;
  const measure = (): SoupMetrics => {
    const measured = measureSoup(soup, TOP_PROGRAMS, run.seed ^ epoch);
    const row: SoupMetrics = {
      epoch,
      ...measured,
      topPrograms: measured.topPrograms.map((entry) => ({ program: toHex(entry.program), count: entry.count })),
      interactions,
      steps,
      elapsedMs: elapsed(),
    };
    soups.recordSoupMetrics(run.id, row);
    if (transitionEpoch === null && row.highOrderEntropy > TRANSITION_ENTROPY) transitionEpoch = epoch;
    last = row;
    options.onMetrics?.(row, run, rate());
    return row;
  };
  const snapshot = () =>
    soups.saveSoupSnapshot(run.id, {
      epoch,
      substrate: run.substrate,
      bytes: soup.bytes,
      rngState: rng.state(),
      interactions,
      steps,
      elapsedMs: elapsed(),
    });

  soups.appendSoupEvent(run.id, options.resume ? "resumed" : "started", { epoch, workers });
  options.onStart?.(run, epoch);
  if (last?.epoch !== epoch) measure();
  if (epoch === 0 && !options.resume) snapshot();

  const threads = await SoupThreads.start(soup, workers);
  let stoppedBy: SoupRunResult["stoppedBy"] = "epochs";
  try {
    while (epoch < settings.epochs) {
      if (options.signal?.aborted) {
        stoppedBy = "signal";
        break;
      }
      if (settings.stopOnTransition && transitionEpoch !== null) {
        stoppedBy = "transition";
        break;
      }
      const result =
        workers > 1
          ? await threads.epoch(rng, settings.mutation, settings.maxSteps)
          : soup.epoch(rng, settings.mutation, settings.maxSteps);
      epoch++;
      interactions += result.interactions;
      steps += result.steps;
      sessionInteractions += result.interactions;
      sessionSteps += result.steps;
      const atEnd = epoch === settings.epochs;
      if (epoch % settings.metricsEvery === 0 || atEnd) measure();
      if (epoch % settings.snapshotEvery === 0 && !atEnd) snapshot();
      // Let a Ctrl-C handler run between epochs.
      if (epoch % 8 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    if (settings.stopOnTransition && transitionEpoch !== null) stoppedBy = "transition";
  } finally {
    await threads.close();
  }
  if (last?.epoch !== epoch) measure();
  snapshot();
  soups.appendSoupEvent(run.id, stoppedBy === "signal" ? "stopped" : "finished", { epoch, stoppedBy });

  const final = last as SoupMetrics;
  return {
    runId: run.id,
    substrate: run.substrate,
    size: run.size,
    epochs: epoch,
    highOrderEntropy: final.highOrderEntropy,
    transitionEpoch,
    stoppedBy,
    ...rate(),
    topPrograms: final.topPrograms.map((entry) => ({ ...entry, text: start.substrate.toText(Buffer.from(entry.program, "hex")) })),
    topReplicatorScore: final.topReplicatorScore,
    elapsedMs: elapsed(),
  };
}

/** Soup runs live in SQLite only for now: a server URL gets a clear refusal instead of a file named after it. */
export function requireSqlite(db: string): void {
  requireSqliteFile(db, "soup runs");
}

interface StartPoint {
  run: SoupRunRecord;
  substrate: Substrate;
  soup: Soup;
  rng: Rng;
  epoch: number;
  interactions: number;
  steps: number;
  elapsedMs: number;
}

function newRun(soups: SoupStore, options: SoupRunOptions): StartPoint {
  const size = options.size ?? DEFAULT_SOUP_SIZE;
  const substrate = substrateByName(options.substrate ?? "bff");
  const settings: SoupRunSettings = {
    mutation: options.mutation ?? DEFAULT_MUTATION,
    maxSteps: options.maxSteps ?? DEFAULT_MAX_STEPS,
    metricsEvery: options.metricsEvery ?? 16,
    snapshotEvery: options.snapshotEvery ?? 1024,
    epochs: options.epochs ?? 16_384,
    stopOnTransition: options.stopOnTransition ?? false,
    seeded: (options.seedPrograms ?? []).map(toHex),
  };
  const seed = options.seed ?? randomBytes(4).readUInt32LE(0) % 1_000_000;
  validateSoupOptions({ size, seed, ...settings }, substrate);
  const shared = (options.workers ?? 1) > 1;
  const soup = Soup.random(size, seed, { substrate, shared });
  (options.seedPrograms ?? []).forEach((program, index) => soup.program(index).set(program));
  const run: SoupRunRecord = {
    id: `s${randomBytes(4).toString("hex")}`,
    substrate: substrate.name,
    size,
    seed,
    settings,
    createdAt: Date.now(),
    status: "running",
  };
  soups.createSoupRun(run);
  // The epochs draw from their own stream, so changing how the soup is filled never shifts them.
  return { run, substrate, soup, rng: Rng.fromSeed(seed ^ 0x5eed5eed), epoch: 0, interactions: 0, steps: 0, elapsedMs: 0 };
}

function resumePoint(soups: SoupStore, options: SoupRunOptions): StartPoint {
  const id = options.resume as string;
  const stored = soups.getSoupRun(id);
  if (!stored) throw new OuroError("run-unknown", `no soup run ${id} (see \`ouro soup ls\`)`, { field: "run" });
  if (options.substrate !== undefined && options.substrate !== stored.substrate) {
    throw new OuroError("soup-mismatch", `soup run ${id} runs ${stored.substrate}; it cannot be resumed as ${options.substrate}`, {
      field: "substrate",
    });
  }
  if (options.size !== undefined && options.size !== stored.size) {
    throw new OuroError("soup-mismatch", `soup run ${id} holds ${stored.size} programs; it cannot be resumed with --size ${options.size}`, {
      field: "size",
    });
  }
  const snapshot = soups.soupSnapshot(id);
  if (!snapshot) throw new OuroError("soup-mismatch", `soup run ${id} has no snapshot to resume from`, { field: "run" });
  if (snapshot.substrate !== stored.substrate) {
    throw new OuroError(
      "soup-mismatch",
      `the snapshot of soup run ${id} at epoch ${snapshot.epoch} is of substrate ${snapshot.substrate}, ` +
        `not ${stored.substrate}; refusing to resume`,
      { field: "substrate" },
    );
  }
  const substrate = substrateByName(stored.substrate);
  const settings: SoupRunSettings = { ...stored.settings, epochs: options.epochs ?? stored.settings.epochs };
  validateSoupOptions({ size: stored.size, seed: stored.seed, ...settings }, substrate);
  const soup = Soup.fromBytes(snapshot.bytes, { substrate, shared: (options.workers ?? 1) > 1 });
  return {
    run: { ...stored, settings },
    substrate,
    soup,
    rng: new Rng(snapshot.rngState),
    epoch: snapshot.epoch,
    interactions: snapshot.interactions,
    steps: snapshot.steps,
    elapsedMs: snapshot.elapsedMs,
  };
}

/** Runs a check, turning its error into one that names the flag. */
function validateField(field: string, test: () => void): void {
  try {
    test();
  } catch (error) {
    throw new OuroError("option-invalid", `--${field}: ${(error as Error).message}`, { field });
  }
}

/** Every soup setting checked at once, each error naming its flag and the allowed range. */
export function validateSoupOptions(options: { size: number; seed: number } & SoupRunSettings, substrate: Substrate): void {
  const check = validateField;
  const integer = (name: string, value: number, low: number, high: number) => {
    if (!Number.isInteger(value) || value < low || value > high) {
      throw new RangeError(`${name} must be an integer from ${low} to ${high.toLocaleString("en-US")}, got ${value}`);
    }
  };
  check("size", () => validateSoupSize(options.size));
  check("epochs", () => integer("epochs", options.epochs, 1, MAX_EPOCHS));
  check("seed", () => integer("seed", options.seed, 0, 2 ** 32 - 1));
  check("mutation", () => validateMutation(options.mutation));
  check("max-steps", () => integer("max steps", options.maxSteps, 1, MAX_STEPS_LIMIT));
  check("metrics-every", () => integer("metrics interval", options.metricsEvery, 1, MAX_EPOCHS));
  check("snapshot-every", () => integer("snapshot interval", options.snapshotEvery, 1, MAX_EPOCHS));
  check("seed-program", () => {
    if (options.seeded.length > options.size)
      throw new RangeError(`${options.seeded.length} seeded programs do not fit a soup of ${options.size}`);
  });
  void substrate;
}
