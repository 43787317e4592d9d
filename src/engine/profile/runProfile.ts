/**
 * Profiles a model in the runtime process. The host makes the job's work folder (trace, optimized model) and
 * removes it whatever happens — success, error, cancel, or the process killed mid-write — so no trace file is
 * ever left behind.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ProfileReport } from '../report/profileReport';
import type { RequestOptions, RuntimeClient } from '../runtime/runtimeClient';
import type { ProfileRequest } from './profileTypes';

export type ProfileJob = Omit<ProfileRequest, 'workDir'>;

export interface RunProfileOptions extends RequestOptions {
  /** Where the job's work folder is made (default: the OS temp folder). */
  readonly tmpRoot?: string;
}

export async function runProfile(
  client: RuntimeClient,
  job: ProfileJob,
  opts: RunProfileOptions = {},
): Promise<ProfileReport> {
  const workDir = fs.mkdtempSync(path.join(opts.tmpRoot ?? os.tmpdir(), 'onnx-tuner-profile-'));
  try {
    return await client.request('profile', { ...job, model: path.resolve(job.model), workDir }, opts);
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}
