import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { AuthenticatedActor } from '../auth/authenticated-actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { ApiCommand, ApiQuery, ApiPathParams } from '../shared/api-docs';
import { Ctx, type CommandContext } from '../shared/command-context';
import { AmendDirectiveCommand, AmendDirectiveRequestDto } from './amend-directive.command';
import { DirectiveListQueryDto, DirectiveQueries } from './directive.queries';
import { IssueDirectiveCommand, IssueDirectiveRequestDto } from './issue-directive.command';
import { WithdrawDirectiveCommand, WithdrawDirectiveRequestDto } from './withdraw-directive.command';

const directiveExample = {
  status: 'issued',
  directiveId: 'd-2018-1',
  issuer: { personId: 'p-mayor', name: 'Mayor', postTitle: 'Mayor of Hengyang', unitId: 'city' },
  documentNumber: 'DEMO-衡督〔2018〕1号',
  kind: 'directive',
  issuedOn: '2018-09-06',
  meeting: { name: 'Municipal land-work dispatch meeting', date: '2018-09-06' },
  title: 'Four land tasks',
  body: 'The districts and counties shall complete the four land tasks below.',
  taskIds: ['t1-zx', 't4-zh'],
  amendments: 0,
  withdrawal: null,
  version: 1,
};
const accepted = (events: string[], version: number) => ({ id: 'd-2018-1', streamId: 'directive-d-2018-1', version, position: 30, eventIds: ['9e8d7c6b-5a49-8382-a716-f5e4d3c2b1a0'], events });

/** Directives (chỉ đạo / 指示): issued by a leader with a document number unique per issuer and year. */
@ApiTags('directives')
@ApiPathParams()
@Controller('v1/directives')
export class DirectivesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: DirectiveQueries,
  ) {}

  @Post()
  @ApiCommand({
    summary: 'Issue a directive with the tasks it creates (leaders)',
    description: 'Reserves the document number, records DirectiveIssued, and registers (and, with `assignment`, assigns) each task. A document number already used by the issuer that year is 409 DOCNO.TAKEN.',
    created: true,
    example: { ...accepted(['DirectiveIssued'], 1), documentNumber: 'DEMO-衡督〔2018〕1号', tasks: [{ id: 't4-zh', streamId: 'task-t4-zh', version: 2, position: 33, eventIds: ['1a2b3c4d-5e6f-8a7b-8c9d-0e1f2a3b4c5d', '2b3c4d5e-6f7a-8b8c-9d0e-1f2a3b4c5d6e'], events: ['TaskRegistered', 'TaskAssigned'] }] },
    errors: [404, 422],
    codes: { 404: 'UNIT.NOT_FOUND', 409: 'DOCNO.TAKEN', 422: 'TASK.DEADLINE_BEFORE_ISSUE' },
  })
  issue(@Body() body: IssueDirectiveRequestDto, @Ctx() ctx: CommandContext) {
    return this.commands.execute(new IssueDirectiveCommand(body, ctx));
  }

  @Post(':directiveId/amendments')
  @HttpCode(200)
  @ApiCommand({ summary: 'Amend a directive, with a reason (leaders); the amendment lists each change before and after', example: accepted(['DirectiveAmended'], 2), errors: [404, 422], codes: { 404: 'DIRECTIVE.NOT_FOUND', 409: 'DIRECTIVE.WITHDRAWN', 422: 'DIRECTIVE.MEETING_AFTER_ISSUE' } })
  amend(@Param('directiveId') directiveId: string, @Body() body: AmendDirectiveRequestDto, @Ctx() ctx: CommandContext) {
    return this.commands.execute(new AmendDirectiveCommand(directiveId, body, ctx));
  }

  @Post(':directiveId/withdrawal')
  @HttpCode(200)
  @ApiCommand({ summary: 'Withdraw a directive, with a reason (leaders)', example: accepted(['DirectiveWithdrawn'], 3), errors: [404], codes: { 404: 'DIRECTIVE.NOT_FOUND', 409: 'DIRECTIVE.WITHDRAWN' } })
  withdraw(@Param('directiveId') directiveId: string, @Body() body: WithdrawDirectiveRequestDto, @Ctx() ctx: CommandContext) {
    return this.commands.execute(new WithdrawDirectiveCommand(directiveId, body, ctx));
  }

  @Get()
  @ApiQuery({ summary: 'Directives in the caller\'s read scope, by issuer unit, document number, status and year', example: { items: [directiveExample], page: 1, pageSize: 50, total: 1 } })
  list(@CurrentActor() actor: AuthenticatedActor, @Query() query: DirectiveListQueryDto) {
    return this.queries.list(actor, query);
  }

  @Get(':directiveId')
  @ApiQuery({ summary: 'One directive (ETag: its version)', etag: true, example: directiveExample, errors: [404], codes: { 404: 'DIRECTIVE.NOT_FOUND' } })
  get(@CurrentActor() actor: AuthenticatedActor, @Param('directiveId') directiveId: string) {
    return this.queries.get(actor, directiveId);
  }
}
