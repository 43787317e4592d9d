/**
 * The click-to-exclude loop's memory (issue 18): per original model, each optimize run on it this session —
 * the job's parameters (so "Re-quantize" can rerun the same thing with the exclusion list) and what it
 * measured (a row of the iteration table). In memory: the files are on disk, the loop is a working session.
 */
import * as fs from 'node:fs';
import type { IterationRow } from '../../engine/report/iterationTable';
import type { Exclusions } from '../../engine/optimize/exclusionFile';
import { writeExclusions } from './exclusionList';
import type { ComparisonSummary, OptimizeParams } from '../jobs/jobProtocol';

export interface Iteration {
  readonly params: OptimizeParams;
  readonly outFile: string;
  readonly comparison: ComparisonSummary;
}

const loops = new Map<string, Iteration[]>();

export function recordIteration(original: string, it: Iteration): void {
  const list = loops.get(original) ?? [];
  loops.set(
    original,
    [...list.filter((x) => x.outFile !== it.outFile), it], // a file rewritten under the same name is one row
  );
}

export function iterations(original: string): readonly Iteration[] {
  return loops.get(original) ?? [];
}

export function lastIteration(original: string): Iteration | undefined {
  return loops.get(original)?.at(-1);
}

/** Forgets the rows whose file is gone (after "keep this one" removed the others). */
export function keepOnly(original: string, files: ReadonlySet<string>): void {
  loops.set(
    original,
    iterations(original).filter((x) => files.has(x.outFile)),
  );
}

export function iterationRow(it: Iteration): IterationRow {
  return { ...measuredRow(it.params.keepFloat ?? [], it.outFile, it.comparison), keepFp16: it.params.keepFp16 ?? [] };
}

/** A row from what one optimize measured; `file` is empty for a search round that was not written. */
export function measuredRow(keepFloat: readonly string[], file: string, c: ComparisonSummary): IterationRow {
  return {
    file,
    keepFloat,
    ...(c.latency ? { latency: { ms: c.latency.bMs, ratio: c.latency.ratio } } : {}),
    sizeBytes: c.sizeB,
    sizeRatio: c.sizeB / c.sizeA,
    minCosine: c.outputs.reduce((m, o) => Math.min(m, o.cosine), 1),
  };
}

/**
 * "Keep this one": the iteration's list becomes the model's, the other iterations' files (and external data)
 * are deleted, and the loop forgets them. Returns the files deleted; throws for a file that is not a row.
 */
export function keepIterationFiles(original: string, file: string): string[] {
  const all = iterations(original);
  const kept = all.find((it) => it.outFile === file);
  if (!kept) throw new Error(`${file} is not an iteration of ${original}`);
  const others = all.filter((it) => it !== kept).map((it) => it.outFile);
  for (const f of others) for (const g of [f, `${f}.data`]) fs.rmSync(g, { force: true });
  writeExclusions(original, kept.params.keepFloat ?? [], kept.params.keepFp16 ?? []);
  keepOnly(original, new Set([file]));
  return others;
}

/** The optimize options Re-quantize passes (a subset of optimizeCommand's OptimizeOptions). */
export interface RequantizeOptions {
  readonly steps: OptimizeParams['steps'];
  readonly config?: OptimizeParams['config'];
  readonly candidate?: OptimizeParams['candidate'];
  readonly keepFloat: readonly string[];
  readonly keepFp16: readonly string[];
  /** Says what is rerun, for the result's message. */
  readonly label: string;
}

/**
 * What "Re-quantize" runs for the model's last iteration and its lists: the same named steps or suggestion
 * configuration, or, after an Automatic optimize, the candidate it kept (its recipe, not the whole search).
 * Throws when the last iteration has no quantizer the lists could change (Automatic kept simplify alone).
 */
export function requantizeOptions(last: Iteration, lists: Exclusions): RequantizeOptions {
  const kept = `${lists.keepFloat.length} kept float${lists.keepFp16.length ? `, ${lists.keepFp16.length} fp16` : ''}`;
  const c = last.params.candidate;
  if (c && !c.quantize)
    throw new Error(
      `the automatic optimize kept '${c.name}', which quantizes nothing: Re-quantize needs a quantizer (run Optimize with one first)`,
    );
  return {
    steps: last.params.steps,
    ...(last.params.config ? { config: last.params.config } : {}),
    ...(c ? { candidate: c } : {}),
    keepFloat: lists.keepFloat,
    keepFp16: lists.keepFp16,
    label: c ? `Re-ran the automatic choice '${c.name}' with ${kept}` : kept,
  };
}
