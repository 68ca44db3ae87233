/** The run database when `--db` is not given. Its own module, so that commands can name it without loading the engine. */
export const DEFAULT_DB = '.ouro/ouro.db';
