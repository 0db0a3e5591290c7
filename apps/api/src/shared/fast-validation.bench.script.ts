/**
 * CPU per validation of the bench:api mix's DTOs, the ValidationPipe against the fast path, in one process:
 * `node -r @swc-node/register apps/api/src/shared/fast-validation.bench.script.ts` (N=20000 by default, 3 rounds, median).
 */
import 'reflect-metadata';
import { type ArgumentMetadata, type Type, ValidationPipe } from '@nestjs/common';
import { NoticesQueryDto } from '../organisation/organisation.queries';
import { RecordSignOffRequestDto } from '../signoffs/record-sign-off.command';
import { IssueReminderRequestDto } from '../tasks/issue-reminder.command';
import { ReportProgressRequestDto } from '../tasks/report-progress.command';
import { TaskListQueryDto } from '../tasks/task.queries';
import { FastValidationPipe, validationPlan } from './fast-validation';
import { ledgerValidationOptions, memoiseTargetValidationMetadatas } from './validation.pipe';

const N = Number(process.env.N ?? 20_000);

/** As fast-querystring makes a query object. */
function query(values: Record<string, string>): object {
  function Empty() {}
  Empty.prototype = Object.create(null);
  return Object.assign(new (Empty as unknown as new () => object)(), values);
}

const cases: Array<{ name: string; metatype: Function; type: ArgumentMetadata['type']; value: object }> = [
  { name: 'TaskListQueryDto', metatype: TaskListQueryDto, type: 'query', value: query({ unitId: 'd01-u12', unitRole: 'lead', status: 'in_progress', pageSize: '20' }) },
  { name: 'NoticesQueryDto', metatype: NoticesQueryDto, type: 'query', value: query({ before: '2026-11-25' }) },
  { name: 'ReportProgressRequestDto', metatype: ReportProgressRequestDto, type: 'body', value: JSON.parse('{"percent":12,"narrative":"30 of 50 problem parcels rectified"}') },
  { name: 'IssueReminderRequestDto', metatype: IssueReminderRequestDto, type: 'body', value: JSON.parse('{"message":"T4 is behind schedule: report the rectification list by 2018-10-20","channel":"official_document"}') },
  {
    name: 'RecordSignOffRequestDto',
    metatype: RecordSignOffRequestDto,
    type: 'body',
    value: JSON.parse('{"record":{"streamId":"task-d01-u12-t3","version":4},"decision":"approve","comment":"Completion checked against the rectification list"}'),
  },
];

async function cpuMicros(pipe: ValidationPipe, metadata: ArgumentMetadata, value: object, n: number): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) await pipe.transform(value, metadata);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / n;
}

async function main(): Promise<void> {
  memoiseTargetValidationMetadatas();
  const plain = new ValidationPipe(ledgerValidationOptions());
  const fast = new FastValidationPipe(ledgerValidationOptions());
  console.log(`N=${N} transforms per measure, median of 3 rounds, CPU µs per validation (user+system)`);
  for (const c of cases) {
    const metadata: ArgumentMetadata = { type: c.type, metatype: c.metatype as Type<unknown>, data: undefined };
    const same = JSON.stringify(await plain.transform(c.value, metadata)) === JSON.stringify(await fast.transform(c.value, metadata));
    await cpuMicros(plain, metadata, c.value, 2000);
    await cpuMicros(fast, metadata, c.value, 2000);
    const old: number[] = [];
    const now: number[] = [];
    for (let round = 0; round < 3; round++) {
      old.push(await cpuMicros(plain, metadata, c.value, N));
      now.push(await cpuMicros(fast, metadata, c.value, N));
    }
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[1];
    const [o, f] = [median(old), median(now)];
    console.log(`${c.name.padEnd(26)} compiled=${String(validationPlan(c.metatype) !== null).padEnd(5)} same=${same}  ValidationPipe ${o.toFixed(2)} µs  fast ${f.toFixed(2)} µs  (${(o / f).toFixed(1)}x)`);
  }
}

void main();
