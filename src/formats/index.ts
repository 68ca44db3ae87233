// OpenEvolve and ShinkaEvolve experiment folders, read as they are: which kind a folder is, and
// its YAML config as an Ouroboros config, with the settings that have no equivalent named.
export { detectFormat, type FolderFormat } from './detect.ts';
export { type ForeignFolder, mapFolder, mappingWarning } from './foreign.ts';
export type { MappedConfig } from './mapped.ts';
export { configSource } from './write-config.ts';
export { parseYaml, readYaml, type YamlSource } from './yaml-source.ts';
