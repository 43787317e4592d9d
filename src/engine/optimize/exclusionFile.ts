/**
 * The list of nodes to keep in float, as a file the extension writes (one per model, from "Keep in float"
 * clicks) and `optimize --exclude-from FILE` reads: JSON `{"keepFloat": ["node", ...]}`, or plain text with
 * one exact node name per line (`#` starts a comment), so a hand-written list works too.
 */
import * as fs from 'node:fs';

export interface ExclusionList {
  readonly version: 1;
  /** The model the names belong to (file name; for the reader). */
  readonly model?: string;
  readonly keepFloat: readonly string[];
}

/** Exact node names from `file`; throws an Error naming the file and the problem. */
export function readExclusionFile(file: string): string[] {
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
    const list = (parsed as { keepFloat?: unknown }).keepFloat;
    if (!Array.isArray(list) || !list.every((n) => typeof n === 'string'))
      throw new Error(`${file}: expected {"keepFloat": ["node name", ...]}`);
    return list as string[];
  }
  return text
    .split(/\r?\n/)
    .map((l) => l.replace(/#.*/, '').trim())
    .filter(Boolean);
}

export function exclusionListJson(keepFloat: readonly string[], model?: string): string {
  const list: ExclusionList = { version: 1, ...(model ? { model } : {}), keepFloat: [...keepFloat] };
  return `${JSON.stringify(list, null, 2)}\n`;
}

/** An anchored RegExp matching exactly `name` (the quantizers' exclusions are RegExps). */
export function exactName(name: string): RegExp {
  return new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
}
