/** Pruning: the public entry points. */
export { prune, parsePruneSpec, pruneStep, type PruneMethod, type PruneOptions, type PruneResult } from './prune';
export {
  pruneStructured,
  type StructuredPruneOptions,
  type StructuredPruneResult,
  type SkippedLayer,
} from './structured';
export { pruneMagnitude, compressedSize, type MagnitudePruneOptions, type MagnitudePruneResult } from './magnitude';
export { sensitivityScan, type SensitivityOptions, type SensitivityRow, type SensitivityResult } from './sensitivity';
