/**
 * A small argument parser for the CLI: `--flag`, `--key value`, `--key=value`, `-o value`, positionals.
 * Unknown flags are errors (a typo must not silently change what runs).
 */
import type { OptimizationLevel, RuntimeSettings } from '../engine/runtime/sessionOptions';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface ArgSpec {
  /** Flags that take no value. */
  readonly booleans?: readonly string[];
  /** Options that take a value (may repeat: all values are kept). */
  readonly values?: readonly string[];
  /** Short aliases, e.g. { o: 'output' }. */
  readonly aliases?: Readonly<Record<string, string>>;
}

export interface ParsedArgs {
  readonly positionals: string[];
  readonly flags: Set<string>;
  readonly values: Map<string, string[]>;
}

export function parseArgs(argv: readonly string[], spec: ArgSpec): ParsedArgs {
  const booleans = new Set([...(spec.booleans ?? []), 'verbose', 'help']);
  const values = new Set(spec.values ?? []);
  const out: ParsedArgs = { positionals: [], flags: new Set(), values: new Map() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      out.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      out.positionals.push(arg);
      continue;
    }
    let key = arg.startsWith('--') ? arg.slice(2) : (spec.aliases?.[arg.slice(1)] ?? arg.slice(1));
    let value: string | undefined;
    const eq = key.indexOf('=');
    if (eq >= 0) {
      value = key.slice(eq + 1);
      key = key.slice(0, eq);
    }
    if (booleans.has(key)) {
      if (value !== undefined) throw new UsageError(`--${key} takes no value`);
      out.flags.add(key);
    } else if (values.has(key)) {
      if (value === undefined) {
        value = argv[++i];
        if (value === undefined) throw new UsageError(`--${key} needs a value`);
      }
      const list = out.values.get(key) ?? [];
      list.push(value);
      out.values.set(key, list);
    } else {
      throw new UsageError(`unknown option ${arg}`);
    }
  }
  return out;
}

/** The last value given for an option. */
export function optionValue(args: ParsedArgs, key: string): string | undefined {
  return args.values.get(key)?.at(-1);
}

/** A positive integer option, with a default. */
export function intOption(args: ParsedArgs, key: string, fallback: number, min = 1): number {
  const raw = optionValue(args, key);
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min) throw new UsageError(`--${key} must be an integer ≥ ${min}, got '${raw}'`);
  return v;
}

/** Parses `--dims batch=1,seq=128` (option may repeat) into a map. */
export function parseDims(args: ParsedArgs): Record<string, number> {
  const dims: Record<string, number> = {};
  for (const group of args.values.get('dims') ?? [])
    for (const part of group.split(',').filter(Boolean)) {
      const [k, v] = part.split('=');
      const n = Number(v);
      if (!k || v === undefined || !Number.isInteger(n) || n < 1)
        throw new UsageError(`--dims expects name=positive-integer pairs, got '${part}'`);
      dims[k.trim()] = n;
    }
  return dims;
}

/* Options shared by the commands that run the model (compare, advise, optimize, sweep). */

export const RUNTIME_OPTIONS_USAGE = `  --dims a=1,b=2     values for symbolic dims
  --shape x=1,3,48,320  a full input shape (repeatable; for inputs with unnamed dims)
  --threads N        intra-op threads for both sessions (default 2)
  --level L          ORT graph optimization level: disabled|basic|extended|all (default all)
  --runs N           measured alternating A/B runs (default 20; 0 skips latency)`;

export const RUNTIME_VALUE_OPTIONS = ['dims', 'shape', 'threads', 'level', 'runs'] as const;

const LEVELS: readonly OptimizationLevel[] = ['disabled', 'basic', 'extended', 'all'];

export function runtimeFromArgs(args: ParsedArgs): RuntimeSettings {
  const level = optionValue(args, 'level') ?? 'all';
  if (!LEVELS.includes(level as OptimizationLevel)) throw new UsageError(`--level must be one of ${LEVELS.join(', ')}`);
  return {
    intraOpThreads: intOption(args, 'threads', 2),
    optimizationLevel: level as OptimizationLevel,
    dims: parseDims(args),
  };
}

/** `--shape x=1,3,48,320` (repeatable) → { x: [1, 3, 48, 320] }. */
export function shapesFromArgs(args: ParsedArgs): Record<string, number[]> {
  const shapes: Record<string, number[]> = {};
  for (const s of args.values.get('shape') ?? []) {
    const eq = s.indexOf('=');
    const dims = s
      .slice(eq + 1)
      .split(/[,x]/)
      .map(Number);
    if (eq < 1 || dims.some((d) => !Number.isInteger(d) || d < 1))
      throw new UsageError(`--shape expects name=d1,d2,... with positive integers, got '${s}'`);
    shapes[s.slice(0, eq)] = dims;
  }
  return shapes;
}
