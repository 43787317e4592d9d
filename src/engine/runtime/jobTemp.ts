/** Where a job process keeps its temp files: one folder per process, named by pid so a later run can tell it is stale. */
import * as path from 'node:path';

export const JOB_TEMP_PREFIX = 'onnx-tuner-job-';

export function jobTempDir(base: string, pid: number): string {
  return path.join(base, `${JOB_TEMP_PREFIX}${pid}`);
}
