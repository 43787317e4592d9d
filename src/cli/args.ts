/**
 * A small argument parser for the CLI: `--flag`, `--key value`, `--key=value`, `-o value`, positionals.
 * Unknown flags are errors (a typo must not silently change what runs).
 */

import { closestName } from './didYouMean';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A mistyped option: reported in one line with the closest known option, not with the whole usage. */
export class UnknownOptionError extends UsageError {
  constructor(
    readonly option: string,
    readonly suggestion: string | undefined,
  ) {
    super(`unknown option ${option}${suggestion ? ` — did you mean --${suggestion}?` : ''}`);
  }
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
      throw new UnknownOptionError(arg, closestName(key, [...booleans, ...values]));
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
