/**
 * What else is using the CPU, read from /proc over a short window: the machine's busy share and
 * the processes that ran most in it. The Lighthouse suite prints this before it measures, since
 * its performance scores depend on the CPU the page gets (Linux only; elsewhere it says so).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';

interface Sample {
  busy: number;
  total: number;
  /** CPU ticks per process id, with the command name. */
  processes: Map<number, { name: string; ticks: number }>;
}

function sample(): Sample {
  // First line of /proc/stat: cpu user nice system idle iowait irq softirq steal …
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = fields[3]! + (fields[4] ?? 0);
  const total = fields.reduce((a, b) => a + b, 0);
  const processes = new Map<number, { name: string; ticks: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name is in parentheses and may hold spaces; the fields after it are fixed.
      const close = stat.lastIndexOf(')');
      const name = stat.slice(stat.indexOf('(') + 1, close);
      const rest = stat.slice(close + 2).split(' ');
      processes.set(Number(entry), { name, ticks: Number(rest[11]) + Number(rest[12]) }); // utime + stime
    } catch { /* the process ended between listing and reading */ }
  }
  return { busy: total - idle, total, processes };
}

/** "CPU 12% busy over 2 s; most active: chromium 8%, node 3%" — shares of the whole machine (all cores). */
export async function describeCpuActivity(windowMs = 2_000): Promise<string> {
  if (!existsSync('/proc/stat')) return 'CPU activity: not available (no /proc/stat)';
  const before = sample();
  await new Promise((resolve) => setTimeout(resolve, windowMs));
  const after = sample();
  const elapsed = after.total - before.total;
  if (elapsed <= 0) return 'CPU activity: no ticks counted';
  const byName = new Map<string, number>();
  for (const [pid, { name, ticks }] of after.processes) {
    const used = ticks - (before.processes.get(pid)?.ticks ?? ticks);
    if (used > 0) byName.set(name, (byName.get(name) ?? 0) + used);
  }
  const top = [...byName].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([name, ticks]) => `${name} ${Math.round((100 * ticks) / elapsed)}%`);
  return `CPU ${Math.round((100 * (after.busy - before.busy)) / elapsed)}% busy over ${windowMs / 1000} s (all cores); most active: ${top.join(', ') || 'none'}`;
}
