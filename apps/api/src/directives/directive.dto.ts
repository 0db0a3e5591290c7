import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsOptional, ValidateNested } from 'class-validator';
import { CalendarDate, EntityId, EntityIdList, Text } from '../shared/dto';

export class MeetingDto {
  @Text(500, { example: 'Municipal land-work dispatch meeting (全市国土工作调度会)' })
  name!: string;

  @CalendarDate({ example: '2018-09-06' })
  date!: string;
}

export class IssuerDto {
  @Text(200, { example: 'Mayor' })
  name!: string;

  @Text(200, { example: 'Mayor of Hengyang' })
  postTitle!: string;
}

/** The "5 clear" of an assignment; the responsible person is resolved by the ledger (the lead unit's head today). */
export class TaskAssignmentDto {
  @EntityId({ example: 'zh', description: 'The lead unit (主办单位 / đơn vị chủ trì).' })
  leadUnitId!: string;

  @EntityIdList({ example: ['land'], description: 'Co-units (协办单位 / đơn vị phối hợp).' }, true)
  coUnitIds?: string[];

  @Text(10_000, { example: 'Rectify every problem parcel found by the state-owned land supervision review' })
  work!: string;

  @CalendarDate({ example: '2018-10-31', description: 'Inclusive: work reported on this day is on time.' })
  deadline!: string;

  @Text(10_000, { example: 'All problem parcels rectified, with the rectification list and evidence' })
  expectedResult!: string;
}

export class DirectiveTaskDto {
  @EntityId({ example: 't4-zh', description: 'Default: a new UUID.' }, true)
  taskId?: string;

  @Text(1000, { example: 'T4 rectification of state-owned land supervision (国有土地监管整改)' })
  title!: string;

  @ApiPropertyOptional({ type: TaskAssignmentDto, description: 'Assign the task in the same act (交办).' })
  @IsOptional()
  @ValidateNested()
  @Type(() => TaskAssignmentDto)
  assignment?: TaskAssignmentDto;
}

export class DirectiveChangesDto {
  @Text(1000, { example: 'Four land tasks (amended title)' }, true)
  title?: string;

  @Text(100_000, { example: 'Corrected body text' }, true)
  body?: string;

  @ApiPropertyOptional({ type: MeetingDto, nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => MeetingDto)
  meeting?: MeetingDto | null;

  @EntityIdList({ example: ['t5-zh'], description: 'Tasks registered under the directive since it was issued.' }, true)
  addTaskIds?: string[];
}
