/**
 * The list of nodes to keep out of int8, as a file the extension writes (one per model, from "Keep in float"
 * and "Keep in fp16" clicks) and `optimize --exclude-from FILE` reads: JSON `{"keepFloat": ["node", ...],
 * "keepFp16": [...]}` (`keepFp16` is optional, so files written before it existed read as they did), or plain
 * text with one exact node name per line (`#` starts a comment; all kept float), so a hand-written list works.
 */
import * as fs from 'node:fs';

export interface ExclusionList {
  readonly version: 1;
  /** The model the names belong to (file name; for the reader). */
  readonly model?: string;
  readonly keepFloat: readonly string[];
  /** Nodes that run in float16 instead of int8 (absent: none). */
  readonly keepFp16?: readonly string[];
}

/** What a list asks for per node: float32, or float16. A name in both lists is float16 (the writer never does that). */
export interface Exclusions {
  readonly keepFloat: string[];
  readonly keepFp16: string[];
}

const names = (x: unknown): x is string[] => Array.isArray(x) && x.every((n) => typeof n === 'string');

/** Exact node names from `file`; throws an Error naming the file and the problem. */
export function readExclusionFile(file: string): Exclusions {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new Error(`${file}: cannot read the exclusion list (${why})`, { cause: e });
  }
  if (text.trimStart().startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new Error(`${file}: not valid JSON (${(e as Error).message})`, { cause: e });
    }
    const lists = parsed as { keepFloat?: unknown; keepFp16?: unknown };
    const { keepFloat = [], keepFp16 = [] } = lists;
    if ((lists.keepFloat === undefined && lists.keepFp16 === undefined) || !names(keepFloat) || !names(keepFp16))
      throw new Error(`${file}: expected {"keepFloat": ["node name", ...], "keepFp16": ["node name", ...]}`);
    return { keepFloat: keepFloat.filter((n) => !keepFp16.includes(n)), keepFp16 };
  }
  const keepFloat = text
    .split(/\r?\n/)
    .map((l) => l.replace(/#.*/, '').trim())
    .filter(Boolean);
  return { keepFloat, keepFp16: [] };
}

export function exclusionListJson(
  keepFloat: readonly string[],
  model?: string,
  keepFp16: readonly string[] = [],
): string {
  const list: ExclusionList = {
    version: 1,
    ...(model ? { model } : {}),
    keepFloat: [...keepFloat],
    // Written only when used: a float-only list stays byte-identical to what older versions wrote.
    ...(keepFp16.length ? { keepFp16: [...keepFp16] } : {}),
  };
  return `${JSON.stringify(list, null, 2)}\n`;
}

/** An anchored RegExp matching exactly `name` (the quantizers' exclusions are RegExps). */
export function exactName(name: string): RegExp {
  return new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
}
