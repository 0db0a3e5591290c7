import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { directiveDecider, directiveStreamId, domainError, fold, taskDecider, taskStreamId, type DirectiveEvent } from '@ledger/domain';
import type { LedgerStore } from '@ledger/event-store';
import { domainEventOf } from '@ledger/projections';
import { LEDGER_STORE } from '../infrastructure/ledger-store.module';
import { CommandRunner, type CommandAccepted } from '../shared/command-runner';
import type { CommandContext } from '../shared/command-context';
import { EntityId, Text } from '../shared/dto';

export class RegisterTaskRequestDto {
  @EntityId({ example: 't5-zh', description: 'Default: a new UUID.' }, true)
  taskId?: string;

  @EntityId({ example: 'd-2018-1', description: 'The directive the task comes from.' })
  directiveId!: string;

  @Text(1000, { example: 'T5 follow-up survey of rectified parcels' })
  title!: string;
}

export class RegisterTaskCommand extends Command<CommandAccepted> {
  constructor(readonly body: RegisterTaskRequestDto, readonly ctx: CommandContext) {
    super();
  }
}

/** 立项: registers a task under an existing directive, read from the directive's own stream (issue date, status). */
@CommandHandler(RegisterTaskCommand)
export class RegisterTaskHandler implements ICommandHandler<RegisterTaskCommand> {
  constructor(
    private readonly runner: CommandRunner,
    @Inject(LEDGER_STORE) private readonly store: LedgerStore,
  ) {}

  async execute({ body, ctx }: RegisterTaskCommand): Promise<CommandAccepted> {
    const scope = await this.runner.begin(ctx);
    const taskId = body.taskId ?? scope.newId('task');
    const directive = fold(directiveDecider, (await this.store.readStream(directiveStreamId(body.directiveId))).map((e) => domainEventOf<DirectiveEvent>(e)));
    if (directive.status === 'none') throw domainError('DIRECTIVE.NOT_FOUND', { directive: body.directiveId, field: 'directiveId' });
    return scope.run({
      decider: taskDecider,
      streamId: taskStreamId(taskId),
      aggregateId: taskId,
      creates: true,
      steps: [
        {
          commandType: 'RegisterTask',
          targetUnit: () => directive.issuer.unitId,
          build: (_state, envelope) => ({
            type: 'RegisterTask' as const,
            ...envelope,
            taskId,
            directive: { id: directive.directiveId, issuedOn: directive.issuedOn, status: directive.status },
            title: body.title,
          }),
        },
      ],
    });
  }
}
