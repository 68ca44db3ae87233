// Which Python runs a Python evaluator, and what of the host it needs inside the sandbox.
import { execFileSync } from 'node:child_process';
import { OuroError } from '../../core/errors.ts';
import { findExecutable } from '../../sandbox/bubblewrap.ts';

export interface Interpreter {
  /** The interpreter as the sandbox calls it: an absolute path on the host, bound at the same path. */
  path: string;
  /** Its installation and, for a virtual environment, the base installation: bound read-only. */
  prefixes: string[];
  version: string;
}

const cache = new Map<string, Interpreter>();
/**
 * Asked of the interpreter: the real executable (a pyenv or asdf shim is a script that would not
 * run inside the sandbox), its prefixes, its version.
 */
const PROBE = 'import sys, json; print(json.dumps([sys.executable, sys.prefix, sys.base_prefix, sys.version.split()[0]]))';

/**
 * Finds the interpreter (`python3` on PATH by default) and asks it where it lives. Throws an
 * OuroError naming the interpreter and the flag when it is missing or does not run.
 *
 * @example
 * resolveInterpreter('/opt/venv/bin/python'); // { path, prefixes: ['/opt/venv', '/usr'], version: '3.11.7' }
 */
export function resolveInterpreter(name = 'python3'): Interpreter {
  const known = cache.get(name);
  if (known) return known;
  const path = findExecutable(name);
  const flag = 'pass --python <interpreter> or set `python:` in the config';
  if (path === undefined) {
    const where = name.includes('/') ? `${name} does not exist or is not executable` : `${name} is not on PATH`;
    throw new OuroError('evaluator-invalid', `Python interpreter not found: ${where}; ${flag}`, { field: 'python' });
  }
  let output: string;
  try {
    output = execFileSync(path, ['-I', '-c', PROBE], {
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 20_000,
    }).toString('utf8');
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString('utf8').trim() ?? '';
    throw new OuroError('evaluator-invalid', `Python interpreter ${path} does not run: ${stderr || (error as Error).message}; ${flag}`, {
      field: 'python',
      cause: error,
    });
  }
  const [executable, prefix, basePrefix, version] = JSON.parse(output.trim()) as [string, string, string, string];
  const [major, minor] = version.split('.').map(Number);
  if (major !== 3 || (minor ?? 0) < 8) {
    throw new OuroError('evaluator-invalid', `Python interpreter ${path} is Python ${version}; Python 3.8 or newer is needed; ${flag}`, {
      field: 'python',
    });
  }
  const interpreter = { path: executable || path, prefixes: [...new Set([prefix, basePrefix])], version };
  cache.set(name, interpreter);
  return interpreter;
}
