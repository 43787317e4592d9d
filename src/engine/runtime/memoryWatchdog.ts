/**
 * A memory cap for the runtime process. Node cannot set rlimits on a child, and `ulimit -v` breaks V8 (it
 * reserves a large virtual address space up front), so the host samples the child's resident set from
 * /proc/<pid>/status and kills it when it passes the cap. The caller then reports 'out-of-memory' instead of
 * letting the machine's OOM killer pick a victim (possibly the editor). Linux only; elsewhere a no-op.
 */
import * as fs from 'node:fs';

/** Default cap: 75% of physical memory, leaving room for the editor and the OS. */
export function defaultMemoryCapBytes(totalMemBytes: number): number {
  return Math.floor(totalMemBytes * 0.75);
}

function residentBytes(pid: number): number | null {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

export interface MemoryWatchdog {
  /** True once the cap was passed (and the process was killed). */
  readonly tripped: boolean;
  /** The largest resident size seen. */
  readonly peakBytes: number;
  stop(): void;
}

export function watchMemory(pid: number, capBytes: number, kill: () => void, intervalMs = 50): MemoryWatchdog {
  const state = { tripped: false, peakBytes: 0 };
  const timer = setInterval(() => {
    const rss = residentBytes(pid);
    if (rss === null) return;
    state.peakBytes = Math.max(state.peakBytes, rss);
    if (rss > capBytes && !state.tripped) {
      state.tripped = true;
      kill();
    }
  }, intervalMs);
  timer.unref();
  return {
    get tripped() {
      return state.tripped;
    },
    get peakBytes() {
      return state.peakBytes;
    },
    stop: () => clearInterval(timer),
  };
}
