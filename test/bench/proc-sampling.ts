// What the benchmarks read about a process from /proc (Linux): peak and current RSS, CPU seconds, open fds and sockets;
// and the percentile arithmetic every benchmark reports its latencies with.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** Linux reports utime and stime in clock ticks; USER_HZ is 100 on every mainstream kernel build (getconf CLK_TCK). */
const CLOCK_TICKS_PER_SECOND = 100;

export interface ProcSample {
  /** Peak resident set (VmHWM), MiB. */
  peakRssMiB: number;
  /** Current resident set (VmRSS), MiB. */
  rssMiB: number;
  /** User + system CPU time since the process started, seconds. */
  cpuSeconds: number;
  fds: number;
  sockets: number;
}

function statusKiB(status: string, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return match?.[1] ? Number(match[1]) : 0;
}

/** utime + stime: fields 14 and 15 of /proc/<pid>/stat, counted after the parenthesised command name. */
function cpuSecondsOf(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

function descriptors(pid: number): { fds: number; sockets: number } {
  const dir = `/proc/${pid}/fd`;
  let sockets = 0;
  const entries = readdirSync(dir);
  for (const fd of entries) {
    try {
      if (readlinkSync(`${dir}/${fd}`).startsWith('socket:')) sockets += 1;
    } catch {
      // Closed between readdir and readlink.
    }
  }
  return { fds: entries.length, sockets };
}

export function sampleProcess(pid: number): ProcSample {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return {
    peakRssMiB: round(statusKiB(status, 'VmHWM') / 1024),
    rssMiB: round(statusKiB(status, 'VmRSS') / 1024),
    cpuSeconds: cpuSecondsOf(readFileSync(`/proc/${pid}/stat`, 'utf8')),
    ...descriptors(pid),
  };
}

/** Nearest-rank percentile (p in 0..100) of unsorted samples; NaN for none. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] as number;
}

export function round(value: number, digits = 1): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** Wall-clock milliseconds with sub-millisecond resolution, comparable between processes on one machine. */
export function wallNow(): number {
  return performance.timeOrigin + performance.now();
}
