// CPU time of the calling thread alone (process.cpuUsage counts every thread of the process), so
// the ingest can say what its worker threads and its own thread each spent. Linux keeps it in
// /proc/thread-self/schedstat (nanoseconds on the CPU first); elsewhere there is no answer.
import { readFileSync } from 'node:fs';

/** Milliseconds of CPU this thread has used, or null where the system does not tell. */
export function threadCpuMs(): number | null {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return null;
  }
}
