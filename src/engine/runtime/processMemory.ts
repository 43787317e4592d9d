/**
 * Peak resident memory of this process over an interval, on Linux: writing `5` to /proc/self/clear_refs
 * resets the peak (VmHWM) to the current RSS (proc(5)), then VmHWM after the interval is its peak. onnxruntime
 * has no peak-memory API (DESIGN.md), so this runs inside the runtime process around the measured runs.
 */
import * as fs from 'node:fs';

function statusKb(field: 'VmHWM' | 'VmRSS'): number | null {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

export interface PeakMemoryWindow {
  /** Peak RSS since `start`, and its growth over the RSS at `start`; nulls where /proc is unavailable. */
  finish(): { peakRssBytes: number | null; peakRssGrowthBytes: number | null };
}

export function startPeakMemoryWindow(): PeakMemoryWindow {
  let reset = false;
  try {
    fs.writeFileSync('/proc/self/clear_refs', '5');
    reset = true;
  } catch {
    // Not Linux, or not permitted: without a reset VmHWM would include earlier peaks, so report nothing.
  }
  const baseline = statusKb('VmRSS');
  return {
    finish() {
      const peak = reset ? statusKb('VmHWM') : null;
      return {
        peakRssBytes: peak,
        peakRssGrowthBytes: peak !== null && baseline !== null ? Math.max(0, peak - baseline) : null,
      };
    },
  };
}
