/** Shared by tests of bad input: the OuroError a call throws, so that a test can check its code, field and message. */
import { OuroError } from '../../src/core/errors.ts';

/** The OuroError `run` throws; anything else it throws is rethrown, and not throwing fails the test. */
export function ouroErrorOf(run: () => unknown): OuroError {
  try {
    run();
  } catch (error) {
    if (error instanceof OuroError) return error;
    throw error;
  }
  throw new Error('expected an OuroError');
}
