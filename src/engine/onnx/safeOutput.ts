/**
 * The one gate every written path passes (model, external-data sidecar, HTML and JSON reports): an output
 * never replaces an input, never replaces an existing file without the caller's say-so (--force), is never a
 * special file, and is written as a temp file in the same folder then renamed. Temp files carry the writer's
 * pid, so a later run can tell a dead writer's leftovers (kill -9) from a live writer's and sweep them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { announceArtifact } from './artifacts';
import { ModelError } from './errors';

export interface OutputOptions {
  /** Replace an existing regular file (never an input, never a special file). */
  readonly overwrite?: boolean;
  /** Files the job reads: the output may be none of them, by real path or by inode (hard links). */
  readonly inputs?: readonly string[];
}

/** What a special file is, for the error message; undefined for a regular file. */
export function specialFileKind(st: fs.Stats): string | undefined {
  if (st.isFile()) return undefined;
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/** The real path of a file that may not exist yet: its folder's real path joined with its name. */
function realTarget(file: string): string {
  const abs = path.resolve(file);
  try {
    return fs.realpathSync(abs);
  } catch {
    try {
      return path.join(fs.realpathSync(path.dirname(abs)), path.basename(abs));
    } catch {
      throw new ModelError('write-failed', file, `the folder '${path.dirname(abs)}' does not exist`);
    }
  }
}

/**
 * Checks that `file` may be written; throws a ModelError naming it otherwise. Call for every output of a job
 * before writing any of them (a sidecar must not be written when the model file next to it is refused).
 */
export function checkOutputPath(file: string, opts: OutputOptions = {}): string {
  const target = realTarget(file);
  let st: fs.Stats | undefined;
  try {
    st = fs.statSync(target);
  } catch {
    st = undefined;
  }
  for (const input of opts.inputs ?? []) {
    let same: boolean;
    try {
      const inReal = fs.realpathSync(input);
      const inSt = fs.statSync(inReal);
      same = inReal === target || (st !== undefined && st.dev === inSt.dev && st.ino === inSt.ino);
    } catch {
      same = path.resolve(input) === path.resolve(file);
    }
    if (same)
      throw new ModelError(
        'write-failed',
        file,
        `refusing to overwrite the input model or its data '${input}'`,
        'write to a new file',
      );
  }
  if (st) {
    const kind = specialFileKind(st);
    if (kind) throw new ModelError('write-failed', file, `the output path is ${kind}`, 'write to a regular file');
    if (!opts.overwrite)
      throw new ModelError(
        'write-failed',
        file,
        'the output file already exists',
        'choose another name or use --force',
      );
  }
  return target;
}

const TEMP_RE = /^\..+\.(\d+)\.[0-9a-f]{8}\.tmp$/;

/** A temp name in the target's folder that records this process's pid. */
export function tempNameFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // alive, owned by someone else
  }
}

/** Removes temp files in `dir` left by writers that are no longer running; returns the removed paths. */
export function sweepDeadTemps(dir: string): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const m = TEMP_RE.exec(name);
    if (!m || isAlive(Number(m[1]))) continue;
    const p = path.join(dir, name);
    try {
      if (fs.lstatSync(p).isFile()) {
        fs.rmSync(p, { force: true });
        removed.push(p);
      }
    } catch {
      // raced with another sweeper: nothing to do
    }
  }
  return removed;
}

/** Writes chunks to `file` atomically (temp file, fsync, rename) after checkOutputPath. */
export function writeOutputFile(file: string, chunks: Iterable<Uint8Array>, opts: OutputOptions = {}): number {
  const target = checkOutputPath(file, opts);
  sweepDeadTemps(path.dirname(target));
  const tmp = tempNameFor(target);
  let fd: number | undefined;
  let bytes = 0;
  try {
    fd = fs.openSync(tmp, 'wx', 0o644);
    for (const c of chunks) {
      let done = 0;
      while (done < c.length) done += fs.writeSync(fd, c, done, c.length - done);
      bytes += c.length;
    }
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(tmp, target);
    announceArtifact(target); // a job process reports it, so a failed job's host removes it
    return bytes;
  } catch (e) {
    if (fd !== undefined) fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    if (e instanceof ModelError) throw e;
    throw new ModelError('write-failed', file, `could not write: ${(e as Error).message}`);
  }
}

/** Removes files a failed or cancelled job wrote (best effort: the job's own error is what the user sees). */
export function removeOutputs(files: readonly (string | undefined)[]): void {
  for (const f of files) if (f) fs.rmSync(f, { force: true });
}
