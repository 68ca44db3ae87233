// How the fleet notices a worker that died: BullMQ's stalled-job settings, in one place.

/**
 * Stalled-job handling, chosen on purpose (BullMQ's defaults, 30 s locks, notice a dead worker
 * only after up to a minute):
 * - lockDuration 5 s: a live worker renews its locks every 2.5 s (half of it) from its own event
 *   loop, which stays free because candidates run in the pool's child processes; a worker killed
 *   with -9 stops renewing, so its locks lapse within 5 s.
 * - stalledInterval 2.5 s: every worker checks for lapsed locks this often (a job is moved back
 *   once a check finds it unlocked after the one that marked it), so a dead worker's job is back in
 *   the queue within about 10 s and another worker takes it.
 * - maxStalledCount 2: a job may lose its worker twice (a kill, the OOM killer, a reboot) and is
 *   still retried; the third time it is failed as a poison candidate, one that kills whatever
 *   runs it, and the controller records an `error` evaluation and goes on.
 * OURO_FLEET_LOCK_MS shortens the lock (and the check with it) for tests.
 */
export const LOCK_DURATION_MS = Number(process.env.OURO_FLEET_LOCK_MS) || 5000;
export const STALLED_INTERVAL_MS = Math.max(500, Math.round(LOCK_DURATION_MS / 2));
export const MAX_STALLED_COUNT = 2;

/** Finished jobs stay this long, so a restarted controller that re-adds one reads its result instead of rerunning it. */
export const KEEP_FINISHED = { age: 24 * 3600 };
