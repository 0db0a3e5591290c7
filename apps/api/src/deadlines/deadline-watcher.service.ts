import { Inject, Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ancestorsOf, DomainError, hasPassed, type TaskStatus } from '@ledger/domain';
import type { AuthenticatedActor } from '../auth/authenticated-actor';
import { ReadModelsService } from '../read-models/read-models.service';
import { API_CONFIG, type ApiConfig } from '../shared/api-config';
import type { CommandContext } from '../shared/command-context';
import { LedgerTime } from '../shared/ledger-time';
import { MarkDeadlinePassedCommand } from '../tasks/mark-deadline-passed.command';
import { PeriodicSweep } from './periodic-sweep';
import { DEADLINE_TICKER, type Ticker } from './ticker';

export const DEADLINE_WATCHER_RUNS = Symbol('DEADLINE_WATCHER_RUNS');
/** `always` in the projector; `embedded` in the API, where LEDGER_EMBEDDED_PROJECTOR decides. */
export type DeadlineWatcherRuns = 'always' | 'embedded';

/** The watcher's account: an administrator (the role AUTHORIZATION gives MarkDeadlinePassed anywhere). */
export const DEADLINE_WATCHER_ACTOR_ID = 'system:deadline-watcher';

const OPEN: readonly TaskStatus[] = ['assigned', 'acknowledged', 'in_progress', 'completion_reported', 'returned'];

export interface DeadlineSweep {
  readonly today: string;
  readonly marked: readonly string[];
  readonly failed: readonly { taskId: string; code: string }[];
}

/**
 * On each tick, finds the open tasks whose deadline in force has passed and is not yet recorded (from the tasks
 * read model) and sends MarkDeadlinePassed through the command bus, as every other command goes. The command id
 * is derived from the task and the deadline (`<actor>:<taskId>.<deadline>`), so two watchers in two processes
 * never record the same deadline twice: the second finds the first's events and appends nothing.
 */
@Injectable()
export class DeadlineWatcher extends PeriodicSweep<DeadlineSweep> {
  private readonly log = new Logger('DeadlineWatcher');

  constructor(
    private readonly commands: CommandBus,
    private readonly readModels: ReadModelsService,
    private readonly time: LedgerTime,
    @Inject(API_CONFIG) config: ApiConfig,
    @Inject(DEADLINE_TICKER) ticker: Ticker,
    @Inject(DEADLINE_WATCHER_RUNS) runs: DeadlineWatcherRuns,
  ) {
    super({ config, ticker, runs });
  }

  protected override started(intervalMs: number): void {
    this.log.log(`checking deadlines every ${intervalMs} ms`);
  }

  protected async sweep(): Promise<DeadlineSweep> {
    const today = this.time.today();
    const models = this.readModels.current();
    const units = this.readModels.orgUnits();
    const due = [...models.tasks.tasks.values()].filter(({ record }) => {
      return OPEN.includes(record.status) && record.deadline !== null && hasPassed(record.deadline, today) && !record.deadlinesMarked.includes(record.deadline);
    });
    const marked: string[] = [];
    const failed: { taskId: string; code: string }[] = [];
    for (const { taskId, record } of due) {
      const lead = record.assignment!.leadUnitId;
      const actor: AuthenticatedActor = {
        id: DEADLINE_WATCHER_ACTOR_ID,
        role: 'administrator',
        unit: ancestorsOf(lead, units).at(-1) ?? lead,
        credentialId: 'system',
        name: 'Deadline watcher',
      };
      const ctx: CommandContext = { actor, idempotencyKey: `${taskId}.${record.deadline}`, ifMatch: null, occurredAt: null, correlationId: 'deadline-watcher' };
      try {
        await this.commands.execute(new MarkDeadlinePassedCommand(taskId, ctx));
        marked.push(taskId);
      } catch (error) {
        // Another process may have recorded it, or the task moved on since the read model saw it.
        const code = error instanceof DomainError ? error.code : ((error as { code?: string }).code ?? 'INTERNAL');
        failed.push({ taskId, code });
        if (!(error instanceof DomainError)) this.log.warn(`task ${taskId}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (marked.length > 0) this.log.log(`deadline passed on ${today} for ${marked.length} task(s)`);
    return { today, marked, failed };
  }
}
