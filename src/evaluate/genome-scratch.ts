// The scratch folder behind `context.importGenome`: one per evaluation, written on first use.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Genome } from '../core/types.ts';

/**
 * Prepares the folder that holds a worker's candidate folders. Its package.json makes genome
 * .js and .ts files ES modules (a genome's own package.json, nearer to its files, still wins);
 * one file here, read once and cached by Node, spares writing and reading one per candidate.
 */
export async function prepareScratchRoot(root: string): Promise<void> {
  await writeFile(join(root, 'package.json'), '{"type":"module"}\n');
}

/** Candidate folders made by this worker so far: names stay unique without asking the file system. */
let made = 0;

/**
 * One candidate's files. Folders are not removed one by one: the pool removes the worker's whole
 * scratch root when it retires or replaces the worker, which halves the file-system work per
 * candidate (a recycled worker holds at most `maxEvaluationsPerWorker` of them).
 */
export class GenomeScratch {
  private written: Promise<string> | undefined;

  constructor(
    private readonly genome: Genome,
    private readonly root: string,
  ) {}

  /** Whether the genome was imported, which leaves its modules in the worker's module cache. */
  get used(): boolean {
    return this.written !== undefined;
  }

  /** `context.importGenome`: imports one genome file (the first by default) from the scratch folder. */
  readonly importGenome = async <T = Record<string, unknown>>(file?: string): Promise<T> => {
    const names = Object.keys(this.genome);
    const chosen = file ?? names[0];
    if (chosen === undefined) throw new Error('importGenome: the genome has no files');
    if (!Object.hasOwn(this.genome, chosen)) {
      const known = names.map((name) => JSON.stringify(name)).join(', ');
      throw new Error(`importGenome: the genome has no file ${JSON.stringify(chosen)} (it has ${known})`);
    }
    this.written ??= this.write();
    const directory = await this.written;
    return (await import(pathToFileURL(join(directory, chosen)).href)) as T;
  };

  private async write(): Promise<string> {
    // Every evaluation gets a fresh folder, so its modules get fresh URLs that the module cache has not seen.
    const directory = join(this.root, `ouro-candidate-${++made}`);
    await mkdir(directory);
    const files = Object.entries(this.genome).map(([name, text]) => {
      const path = resolve(directory, name);
      if (!path.startsWith(directory + sep)) {
        throw new Error(`importGenome: genome file name ${JSON.stringify(name)} points outside the scratch folder`);
      }
      return { path, text };
    });
    const folders = new Set(files.map((file) => dirname(file.path)).filter((folder) => folder !== directory));
    for (const folder of folders) await mkdir(folder, { recursive: true });
    await Promise.all(files.map((file) => writeFile(file.path, file.text)));
    return directory;
  }
}
