import { promises as fs } from 'node:fs'

// CPU time a process has used (user + system, all its threads), from the
// kernel's accounting: a figure that, unlike elapsed time, other work on a
// shared machine barely moves. Null where /proc cannot tell (not Linux, or a
// PostgreSQL on another machine).
export async function cpuSeconds(pid: number | null): Promise<number | null> {
  if (pid === null) return null
  const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null)
  if (stat === null) return null
  // Fields after the command name, which may hold spaces: utime and stime are
  // the 14th and 15th fields, in clock ticks (100 a second on Linux).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const ticks = Number(fields[11]) + Number(fields[12])
  return Number.isFinite(ticks) ? ticks / 100 : null
}
