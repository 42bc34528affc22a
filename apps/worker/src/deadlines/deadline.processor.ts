import type { CommandBus } from '@nestjs/cqrs';
import { type Job, UnrecoverableError } from 'bullmq';
import { DomainError } from '@motcua/domain';
import type { DeadlineJob } from '@motcua/messaging';
import { ConcurrentModificationError } from '@motcua/persistence';
import { CheckDeadlineCommand, type DeadlineOutcome } from '@motcua/workflow';

/** Consumer of the `deadlines` queue: each delayed job asks the checker whether its deadline still applies. */
export class DeadlineProcessor {
  constructor(private readonly commands: CommandBus) {}

  async process(job: Job<DeadlineJob>): Promise<DeadlineOutcome> {
    try {
      return await this.commands.execute<CheckDeadlineCommand, DeadlineOutcome>(new CheckDeadlineCommand(job.data));
    } catch (e) {
      if (e instanceof DomainError && !(e instanceof ConcurrentModificationError)) throw new UnrecoverableError(`${e.code}: ${e.message}`);
      throw e;
    }
  }
}
