import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { LedgerStore } from '@ledger/event-store';
import { LEDGER_STORE } from '../infrastructure/ledger-store.module';
import { CommandRunner, type CommandAccepted } from '../shared/command-runner';
import type { CommandContext } from '../shared/command-context';
import { CalendarDate, EntityId, Text } from '../shared/dto';
import { onTask } from './task-command';

export class RequestExtensionRequestDto {
  @EntityId({ example: 'ext-hn-1', description: 'Default: a new UUID; grant and deny name it.' }, true)
  requestId?: string;

  @CalendarDate({ example: '2018-12-31', description: 'The deadline asked for (after the one in force).' })
  newDeadline!: string;

  @Text(2000, { example: 'Eleven parcels wait for the provincial boundary survey' })
  reason!: string;
}

export type ExtensionRequestedResult = CommandAccepted & { readonly requestId: string };

export class RequestExtensionCommand extends Command<ExtensionRequestedResult> {
  constructor(readonly taskId: string, readonly body: RequestExtensionRequestDto, readonly ctx: CommandContext) {
    super();
  }
}

/** A request made after the deadline is refused (422 TASK.EXTENSION_AFTER_DEADLINE); only a grant moves the deadline. */
@CommandHandler(RequestExtensionCommand)
export class RequestExtensionHandler implements ICommandHandler<RequestExtensionCommand> {
  constructor(
    private readonly runner: CommandRunner,
    @Inject(LEDGER_STORE) private readonly store: LedgerStore,
  ) {}

  async execute({ taskId, body, ctx }: RequestExtensionCommand): Promise<ExtensionRequestedResult> {
    const scope = await this.runner.begin(ctx);
    const requestId = body.requestId ?? scope.newId('extension-request');
    const accepted = await scope.run(
      onTask(taskId, 'RequestExtension', (_state, envelope) => ({ type: 'RequestExtension', ...envelope, taskId, requestId, newDeadline: body.newDeadline, reason: body.reason })),
    );
    // A replayed request returns the id the first request recorded: read from the log (the task view keeps no
    // event's data), the accepted events only (an index seek from the first of them).
    const appended = await this.store.readStream(accepted.streamId, { fromVersion: accepted.version - accepted.eventIds.length + 1 });
    const recorded = appended.find((event) => event.id === accepted.eventIds[0]);
    return { ...accepted, requestId: (recorded?.data.requestId as string | undefined) ?? requestId };
  }
}
