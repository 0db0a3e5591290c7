import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { fold, isId, signOffDecider, signOffStreamId, taskStreamId, type SignOffEvent, type SignOffState } from '@ledger/domain';
import type { LedgerStore } from '@ledger/event-store';
import { domainEventOf } from '@ledger/projections';
import { LEDGER_STORE } from '../infrastructure/ledger-store.module';
import { appError } from '../shared/app-errors';
import { CommandRunner, type CommandAccepted } from '../shared/command-runner';
import type { CommandContext } from '../shared/command-context';
import { EntityId, Text } from '../shared/dto';
import { onTask } from './task-command';

export class CancelTaskRequestDto {
  @Text(2000, { example: 'The parcels were transferred to the provincial reserve; the task no longer applies' })
  reason!: string;

  @EntityId({ example: 'so-cancel-t4-hd', description: 'A leader\'s approving sign-off of this task, recorded first (POST /v1/signoffs).' })
  signOffId!: string;
}

export class CancelTaskCommand extends Command<CommandAccepted> {
  constructor(readonly taskId: string, readonly body: CancelTaskRequestDto, readonly ctx: CommandContext) {
    super();
  }
}

/** Cancellation by a leader, pointing at a leader's approving sign-off of this very task (read from its stream). */
@CommandHandler(CancelTaskCommand)
export class CancelTaskHandler implements ICommandHandler<CancelTaskCommand> {
  constructor(
    private readonly runner: CommandRunner,
    @Inject(LEDGER_STORE) private readonly store: LedgerStore,
  ) {}

  async execute({ taskId, body, ctx }: CancelTaskCommand): Promise<CommandAccepted> {
    const { reason, signOffId } = body;
    const signOff: SignOffState = isId(signOffId)
      ? fold(signOffDecider, (await this.store.readStream(signOffStreamId(signOffId))).map((e) => domainEventOf<SignOffEvent>(e)))
      : signOffDecider.initialState();
    return this.runner.run(
      ctx,
      onTask(taskId, 'CancelTask', (_state, envelope) => {
        // Checked here, after the role and scope checks and before the decider.
        const approves =
          signOff.status === 'recorded' &&
          signOff.decision === 'approve' &&
          signOff.by.role === 'leader' &&
          signOff.record.type === 'stream-version' &&
          signOff.record.streamId === taskStreamId(taskId);
        if (!approves) throw appError('TASK.CANCELLATION_SIGNOFF_INVALID', { signOff: signOffId }, 'signOffId');
        return { type: 'CancelTask', ...envelope, taskId, reason, signOffId };
      }),
    );
  }
}
