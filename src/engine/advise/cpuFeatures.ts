/**
 * The CPU features that decide whether int8 pays off: onnxruntime's int8 GEMM kernels are fast with VNNI
 * (AVX512-VNNI, AVX-VNNI) or AMX; on AVX2-only CPUs the u8·s8 path can saturate and int8 may run slower
 * than fp32 (microsoft/onnxruntime#17389), which is what `reduce_range` (7-bit weights) works around.
 */
import * as fs from 'node:fs';

export interface CpuFeatures {
  readonly avx2: boolean;
  readonly avx512f: boolean;
  readonly avx512Vnni: boolean;
  readonly avxVnni: boolean;
  readonly amx: boolean;
  /** Where the flags came from ('/proc/cpuinfo', 'given', or 'unknown' off Linux). */
  readonly source: string;
}

export function hasVnni(c: CpuFeatures): boolean {
  return c.avx512Vnni || c.avxVnni || c.amx;
}

/** Parses the first `flags` line of /proc/cpuinfo text. */
export function parseCpuFlags(cpuinfo: string, source = '/proc/cpuinfo'): CpuFeatures {
  const line = /^flags\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? '';
  const flags = new Set(line.split(/\s+/).filter(Boolean));
  return {
    avx2: flags.has('avx2'),
    avx512f: flags.has('avx512f'),
    avx512Vnni: flags.has('avx512_vnni'),
    avxVnni: flags.has('avx_vnni'),
    amx: flags.has('amx_tile') || flags.has('amx_int8'),
    source,
  };
}

/** This machine's features; all false with source 'unknown' where /proc/cpuinfo cannot be read. */
export function detectCpuFeatures(): CpuFeatures {
  try {
    return parseCpuFlags(fs.readFileSync('/proc/cpuinfo', 'utf8'));
  } catch {
    return { avx2: false, avx512f: false, avx512Vnni: false, avxVnni: false, amx: false, source: 'unknown' };
  }
}

export function describeCpu(c: CpuFeatures): string {
  const on = Object.entries({
    avx2: c.avx2,
    avx512f: c.avx512f,
    avx512_vnni: c.avx512Vnni,
    avx_vnni: c.avxVnni,
    amx: c.amx,
  })
    .filter(([, v]) => v)
    .map(([k]) => k);
  return on.length ? on.join(' ') : 'none of avx2/avx512f/vnni/amx';
}
