/** The check every trainer makes of a round's export before it records a job for it. */
import { stat } from 'node:fs/promises';
import { OuroError } from '../../core/errors.ts';

/**
 * Throws unless `file` is a file with something in it: `config-missing` when it cannot be read as
 * a file, `config-invalid` when it is empty (there is nothing to train on).
 */
export async function checkExportFile(file: string): Promise<void> {
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new Error('it is not a file');
    size = info.size;
  } catch (error) {
    throw new OuroError('config-missing', `trainer: cannot use the export ${file}: ${(error as Error).message}`, { file });
  }
  if (size === 0) throw new OuroError('config-invalid', `trainer: the export ${file} is empty; there is nothing to train on`, { file });
}
