/**
 * The optimize steps this build of the engine provides, in pipeline order. Kept apart from engineJobs.ts so
 * the host can list them without loading the engine (engineJobs runs only in job processes).
 */
import type { OptimizeStepName } from './jobProtocol';

export const AVAILABLE_STEPS: readonly OptimizeStepName[] = ['simplify', 'prune', 'quantize-dynamic', 'fp16'];
