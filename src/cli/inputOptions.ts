/**
 * One input grammar for every command that feeds a model: `--dims name=N,...`, `--shape input=1x3x224x224`
 * or `input=1,3,224,224` (repeatable; several inputs in one flag as `a=1x3,b=2x4`), `--value name=N` (a
 * constant) or `name=LO..HI` (integers in [LO, HI]), and `--inputs FILE` (.npy/.npz/.json).
 */
import * as path from 'node:path';
import { UsageError, optionValue, parseDims, type ParsedArgs } from './args';

export const INPUT_VALUE_OPTIONS = ['dims', 'shape', 'value', 'inputs'] as const;

export const INPUT_OPTIONS_USAGE = `  --dims a=1,b=2     values for named symbolic dims (default: representative sizes, listed in the output)
  --shape x=1x3x224x224  a full input shape (repeatable; 1,3,224,224 works too)
  --value sr=16000   fill an input with one value, or ids=0..999 for integers in a range (repeatable)
  --inputs PATH      real inputs: .npy (one-input model), .npz, JSON {name: nested array}, a .png for an
                     image model (resized to the input's shape, scaled to [0,1]), or a folder of them
                     (one input set per file: the comparison and calibration set)`;

export interface InputOptions {
  readonly dims: Record<string, number>;
  readonly shapes: Record<string, number[]>;
  readonly values: Record<string, number>;
  readonly valueRanges: Record<string, { min: number; max: number }>;
  readonly inputsFile?: string;
}

/**
 * Splits `a=1x3,b=2,3,4` into name=value parts: a comma starts a new part only when what follows has an `=`,
 * so the comma form of a shape stays one part.
 */
export function namedParts(group: string): string[] {
  const parts: string[] = [];
  for (const piece of group.split(',')) {
    if (piece === '') continue;
    if (piece.includes('=') || parts.length === 0) parts.push(piece);
    else parts[parts.length - 1] += `,${piece}`;
  }
  return parts;
}

function pairs(args: ParsedArgs, key: string): [string, string][] {
  const out: [string, string][] = [];
  for (const group of args.values.get(key) ?? [])
    for (const part of namedParts(group)) {
      const eq = part.indexOf('=');
      if (eq <= 0) throw new UsageError(`--${key} expects name=value, got '${part}'`);
      out.push([part.slice(0, eq).trim(), part.slice(eq + 1).trim()]);
    }
  return out;
}

/** `--shape x=1x3x320x320` or `x=1,3,320,320` → { x: [1, 3, 320, 320] }; `x=` is a scalar. */
export function parseShapes(args: ParsedArgs): Record<string, number[]> {
  const shapes: Record<string, number[]> = {};
  for (const [name, v] of pairs(args, 'shape')) {
    const dims = v === '' ? [] : v.split(/[x,]/).map(Number);
    if (dims.some((d) => !Number.isInteger(d) || d < 1))
      throw new UsageError(
        `--shape expects name=1x3x224x224 or name=1,3,224,224 (positive integers), got '${name}=${v}'`,
      );
    shapes[name] = dims;
  }
  return shapes;
}

/** `--value sr=16000` (constant) and `--value ids=0..999` (integer range, inclusive). */
export function parseValues(args: ParsedArgs): Pick<InputOptions, 'values' | 'valueRanges'> {
  const values: Record<string, number> = {};
  const valueRanges: Record<string, { min: number; max: number }> = {};
  for (const [name, v] of pairs(args, 'value')) {
    const range = /^(-?\d+)\.\.(-?\d+)$/.exec(v);
    if (range) {
      const min = Number(range[1]);
      const max = Number(range[2]);
      if (max < min) throw new UsageError(`--value ${name}=${v}: the range is empty`);
      valueRanges[name] = { min, max };
      continue;
    }
    const n = Number(v);
    if (v === '' || !Number.isFinite(n))
      throw new UsageError(`--value expects name=number or name=LO..HI, got '${name}=${v}'`);
    values[name] = n;
  }
  return { values, valueRanges };
}

export function inputOptions(args: ParsedArgs): InputOptions {
  const file = optionValue(args, 'inputs');
  return {
    dims: parseDims(args),
    shapes: parseShapes(args),
    ...parseValues(args),
    ...(file !== undefined ? { inputsFile: path.resolve(file) } : {}),
  };
}

/** The `--value` overrides and `--inputs` file in the form the engine's feed options take. */
export function feedExtras(opts: InputOptions): {
  values: Record<string, number | { min: number; max: number }>;
  inputsFile?: string;
} {
  return {
    values: { ...opts.values, ...opts.valueRanges },
    ...(opts.inputsFile !== undefined ? { inputsFile: opts.inputsFile } : {}),
  };
}

/** The same, in the form the runtime process's FeedSource takes (constants and ranges apart). */
export function feedSourceExtras(extras: ReturnType<typeof feedExtras>): {
  values: Record<string, number>;
  valueRanges: Record<string, { min: number; max: number }>;
  inputsFile?: string;
} {
  const values: Record<string, number> = {};
  const valueRanges: Record<string, { min: number; max: number }> = {};
  for (const [k, v] of Object.entries(extras.values))
    if (typeof v === 'number') values[k] = v;
    else valueRanges[k] = v;
  return { values, valueRanges, ...(extras.inputsFile !== undefined ? { inputsFile: extras.inputsFile } : {}) };
}
