// The CPU time a server process has used so far (user + system, all its threads), read from
// /proc/<pid>/stat: the steadier measure of what a request costs on a shared machine, where the
// wall-clock latency also counts the time other processes held the cores.
import fs from "node:fs";
import os from "node:os";

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ: 100 on every Linux kernel build in use). */
const TICKS_PER_SECOND = 100;

/** CPU milliseconds used by process `pid` so far; throws where /proc is not available (not Linux). */
export function processCpuMs(pid: number): number {
  if (os.platform() !== "linux") throw new Error(`measuring a server's CPU time needs Linux /proc (this is ${os.platform()})`);
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name in parentheses (which may contain spaces): utime is field 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / TICKS_PER_SECOND;
}

/** The server's CPU milliseconds per kind of request, summed over requests sent one at a time. */
export class CpuMeter {
  private total = new Map<string, { ms: number; n: number }>();
  constructor(private readonly pid: number) {}

  async measure<T>(label: string, run: () => Promise<T>): Promise<T> {
    const before = processCpuMs(this.pid);
    const out = await run();
    const used = processCpuMs(this.pid) - before;
    const t = this.total.get(label) ?? { ms: 0, n: 0 };
    this.total.set(label, { ms: t.ms + used, n: t.n + 1 });
    return out;
  }

  /** CPU milliseconds per request by label. */
  perRequest(): { label: string; n: number; cpuMs: number }[] {
    return [...this.total].map(([label, t]) => ({ label, n: t.n, cpuMs: Math.round((t.ms / t.n) * 10) / 10 }));
  }
}
