/** Reading the process table (Linux /proc), to check that no job process outlives its parent. */
import * as fs from 'node:fs';

/** Parent pid of each live process. */
function parents(): Map<number, number> {
  const out = new Map<number, number>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      // Field 4 (ppid) follows the command name in parentheses, which may itself contain spaces or ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      out.set(Number(name), ppid);
    } catch {
      // The process ended while we read.
    }
  }
  return out;
}

/** All live descendants of `pid`. */
export function descendants(pid: number): number[] {
  const table = parents();
  const found: number[] = [];
  const queue = [pid];
  while (queue.length) {
    const p = queue.shift()!;
    for (const [child, parent] of table)
      if (parent === p) {
        found.push(child);
        queue.push(child);
      }
  }
  return found;
}

export function isAlive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z'; // a zombie has ended; only its entry remains
  } catch {
    return false;
  }
}

/** `what` may be a function, to say what the state was when the wait gave up (e.g. the folders left). */
export async function waitFor(what: string | (() => string), test: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The live descendants of `pid` whose command line matches `pattern` (e.g. our job process entries). */
export function descendantsMatching(pid: number, pattern: RegExp): number[] {
  return descendants(pid).filter((p) => {
    try {
      return pattern.test(fs.readFileSync(`/proc/${p}/cmdline`, 'utf8'));
    } catch {
      return false;
    }
  });
}
