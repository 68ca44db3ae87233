/**
 * One guard for every suite that needs a system service: bubblewrap, chromium, redis-server or
 * PostgreSQL. A missing service makes the suite report itself skipped, with the install command
 * in its title; under `OURO_REQUIRE_SERVICES=1` (CI) it fails the suite instead, loudly.
 *
 * @example
 * const redis = await requireService('redis-server', probes.redis);
 * describe.skipIf(redis.missing)(redis.title('fleet'), () => { ... });
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { findRedisServer } from '../../src/fleet/local-fleet.ts';
import { findBubblewrap, findExecutable } from '../../src/sandbox/bubblewrap.ts';
import { postgresUnavailable } from '../../src/store/postgres-testing.ts';

/** CI sets this, so that a missing service fails the suite instead of skipping it. */
export const REQUIRE_SERVICES = process.env.OURO_REQUIRE_SERVICES === '1';

/** Says why a service cannot be used (with the command that installs it), or undefined when it can. */
export type ServiceProbe = () => string | undefined | Promise<string | undefined>;

export interface ServiceGuard {
  /** True when the service is missing and the suite must skip. */
  missing: boolean;
  /** Why it is missing, with the install command; undefined when present. */
  reason: string | undefined;
  /** A suite or test title that says it was skipped, and why, when the service is missing. */
  title(name: string): string;
}

/**
 * Probes a service once. Throws when it is missing and `OURO_REQUIRE_SERVICES=1`, so that CI
 * cannot pass by skipping.
 */
export async function requireService(name: string, probe: ServiceProbe): Promise<ServiceGuard> {
  const reason = await probe();
  if (reason !== undefined && REQUIRE_SERVICES) {
    throw new Error(`OURO_REQUIRE_SERVICES=1 but ${name} is missing: ${reason}`);
  }
  return {
    missing: reason !== undefined,
    reason,
    title: (title) => (reason === undefined ? title : `${title} (skipped: ${name} missing: ${reason})`),
  };
}

export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * A Python 3 that imports numpy and scipy, the evaluators' usual imports: `OURO_TEST_PYTHON`, else
 * `python3` on PATH, else Debian's `/usr/bin/python3` (python3-numpy and python3-scipy install there).
 */
export const NUMPY_PYTHON: string | undefined = [process.env.OURO_TEST_PYTHON, 'python3', '/usr/bin/python3'].find((python) => {
  if (python === undefined || findExecutable(python) === undefined) return false;
  try {
    execFileSync(python, ['-c', 'import numpy, scipy'], { stdio: 'ignore', timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
});

/** Probes for the services the suites use. */
export const probes = {
  bubblewrap: (): string | undefined => {
    const found = findBubblewrap();
    if (!('missing' in found)) return undefined;
    // Found but unusable (no user namespaces): installing it again would not help, so say what would.
    return findExecutable('bwrap') === undefined ? 'bwrap not found on PATH (apt-get install bubblewrap)' : found.missing;
  },
  redis: (): string | undefined => (findRedisServer() === undefined ? 'redis-server not found (apt-get install redis-server)' : undefined),
  chromium: (): string | undefined => (existsSync(CHROMIUM_PATH) ? undefined : `${CHROMIUM_PATH} not found (apt-get install chromium)`),
  /** The TLS fleet test makes its certificate with the openssl command. */
  openssl: (): string | undefined =>
    findExecutable('openssl') === undefined ? 'openssl not found on PATH (apt-get install openssl)' : undefined,
  numpy: (): string | undefined =>
    NUMPY_PYTHON === undefined ? 'no python3 that imports numpy and scipy (apt-get install python3-numpy python3-scipy)' : undefined,
  /** A server at `OURO_TEST_POSTGRES_URL` (default: the local one) that answers a query. */
  postgres: postgresUnavailable,
} satisfies Record<string, ServiceProbe>;
