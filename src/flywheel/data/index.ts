/**
 * The flywheel's data layer: from a round's tasks, replies and verdicts to kept examples,
 * preference pairs, the round's figures, and export files with their dataset cards. Pure
 * functions, except the exporter, which writes files.
 */
export { type Adaptation, ADAPT_DEFAULTS, type AdaptOptions, adaptSettings, type SamplingSettings } from './adapt.ts';
export { type CardContext, cardPath, type DatasetCard } from './card.ts';
export { type CollapseOptions, type CollapseVerdict, collapseCheck, type RoundHealth } from './collapse.ts';
export { assertNoHeldOut, type ExportOptions, type ExportResult, exportPairs, exportSft, withoutHeldOut, writeJsonl } from './export.ts';
export { type FigureOptions, type RoundFigures, roundFigures } from './figures.ts';
export {
  type ChatMessage,
  type ExportFormat,
  PAIR_FORMATS,
  type PairFormat,
  pairRecord,
  SFT_FORMATS,
  type SftFormat,
  sftRecord,
} from './formats.ts';
export { decidingVerdicts, type JudgedSample, judgeByTask, WEAK_VERIFIERS } from './judged.ts';
export { dpoPairs, type PairOptions, spinPairs } from './pairs.ts';
export { passAtK } from './pass-at-k.ts';
export { acceptRationalised, type RationaleCheck, type RationaliseOptions, rationalisationPrompt } from './rationalise.ts';
export { checkJsonl, EXPORT_SCHEMAS } from './schemas.ts';
export { type ScpoPair, scpoPairs } from './scpo.ts';
export { type RestOptions, type RestSelection, selectRest } from './select-rest.ts';
export { type StarSelection, selectStar } from './select-star.ts';
export { replySimilarity, SIMILARITY_DEFAULTS, type SimilarityOptions } from './similarity.ts';
