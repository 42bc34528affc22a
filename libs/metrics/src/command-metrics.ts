import type { CommandBus, ICommand } from '@nestjs/cqrs';
import { DomainError } from '@motcua/domain';
import { ConcurrentModificationError } from '@motcua/persistence/repositories/errors';
import { type CommandResult, commandsTotal } from './metrics';

const instrumented = new WeakSet<CommandBus>();

/** How a command's failure is counted: a broken rule, a lost race, or anything else. */
export function commandResultOf(error: unknown): CommandResult {
  if (error instanceof ConcurrentModificationError) return 'conflict';
  if (error instanceof DomainError) return 'refused';
  return 'error';
}

/**
 * Counts every command the bus executes, by its class name (a bounded set) and result, in
 * `motcua_commands_total`, without touching the handlers: the bus's own `execute` is wrapped
 * once. Nothing is added to the command's transaction or its round trips.
 */
export function instrumentCommandBus(bus: CommandBus): void {
  if (instrumented.has(bus)) return;
  instrumented.add(bus);
  const execute = bus.execute.bind(bus) as (command: ICommand) => Promise<unknown>;
  const counted = async (command: ICommand): Promise<unknown> => {
    const name = (command as object).constructor?.name ?? 'unknown';
    try {
      const result = await execute(command);
      commandsTotal.inc({ command: name, result: 'ok' });
      return result;
    } catch (e) {
      commandsTotal.inc({ command: name, result: commandResultOf(e) });
      throw e;
    }
  };
  (bus as unknown as { execute: typeof counted }).execute = counted;
}
