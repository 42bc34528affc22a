/**
 * Crash-test hooks. With FAILPOINTS=name[,name…] in the environment, reaching a named point
 * prints `FAILPOINT <name>` on stdout and stops the process's progress there, so a fault test can
 * SIGKILL it at that exact spot. Without the variable every point is a no-op.
 */
const active = new Set((process.env.FAILPOINTS ?? '').split(',').map((s) => s.trim()).filter(Boolean));

export async function failpoint(name: string): Promise<void> {
  if (!active.has(name)) return;
  process.stdout.write(`FAILPOINT ${name}\n`);
  await new Promise<never>(() => undefined);
}
