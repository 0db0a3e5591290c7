import { Module } from '@nestjs/common';
import { QueryContext } from '../read-models/queries';
import { AmendDirectiveHandler } from './amend-directive.command';
import { DirectiveQueries } from './directive.queries';
import { DirectivesController } from './directives.controller';
import { IssueDirectiveHandler } from './issue-directive.command';
import { WithdrawDirectiveHandler } from './withdraw-directive.command';

const commandHandlers = [IssueDirectiveHandler, AmendDirectiveHandler, WithdrawDirectiveHandler];
const queryServices = [QueryContext, DirectiveQueries];

@Module({
  controllers: [DirectivesController],
  providers: [...commandHandlers, ...queryServices],
})
export class DirectivesModule {}
