/**
 * The self-training flywheel (STaR, ReST-EM/RFT, ScPO, SPIN): sample K answers per task from the
 * policy model, verify them, keep what passed, pair good with bad, export in standard formats,
 * and hand the export to a trainer whose model samples the next round. Ouroboros trains no
 * weights; it is the data engine and the orchestrator.
 */
export { FLYWHEEL_DEFAULTS, checkSettings, parseSourceSpec, type FlywheelSettings, type SourceSpec } from './settings.ts';
export { openFlywheel, resumeFlywheel, startFlywheel, type FlywheelOptions, type FlywheelResult } from './run.ts';
export type { StoredFigures } from './round.ts';
export type { FlywheelStore, StoredJob, StoredRound, StoredSample } from './store.ts';
export { FLYWHEEL_TABLES } from './store-sqlite.ts';
export type { FlywheelRemote, FlywheelRemoteSetup, RemoteBooking, StartFlywheelRemote } from './remote.ts';
export type * from './types.ts';
export { VERIFIER_STRENGTH } from './types.ts';
export * from './data/index.ts';
export * from './sources/index.ts';
export * from './verify/index.ts';
export * from './train/index.ts';
