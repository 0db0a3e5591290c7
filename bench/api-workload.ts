import type { SeededOrg, SeededTask } from '../test/pressure/support/seed';
import { addDays } from '../test/pressure/support/seed';

/**
 * The request mix of `bench:api`, as autocannon `setupRequest` / `onResponse` hooks: 70 % queries (task lists with
 * filters, one task, its timeline, what a unit was told before a day) and 30 % commands (progress reports by the
 * lead unit's staff, reminders by the inspector, sign-offs by a second city leader), each with the token of the
 * role that would really send it.
 *
 * Commands never target a task another command is in flight on: the suite promises zero errors, and two progress
 * reports racing on one task could legitimately be refused (a later, lower percent is TASK.PROGRESS_DECREASED).
 * Sign-offs name the version the last command on the task answered with, as an approver who has just looked would.
 */

export type Kind = 'list' | 'detail' | 'timeline' | 'notices' | 'progress' | 'reminder' | 'signoff';
export const COMMAND_KINDS: ReadonlySet<Kind> = new Set(['progress', 'reminder', 'signoff']);

/** Weights out of 100 (BENCH_MIX=kind:weight,... overrides some, e.g. `list:0` to see the rest alone). */
export const DEFAULT_MIX: ReadonlyArray<readonly [Kind, number]> = [
  ['list', 20],
  ['detail', 25],
  ['timeline', 15],
  ['notices', 10],
  ['progress', 15],
  ['reminder', 10],
  ['signoff', 5],
];

export function mixFromEnv(spec = process.env.BENCH_MIX): ReadonlyArray<readonly [Kind, number]> {
  if (!spec) return DEFAULT_MIX;
  const overrides = new Map(
    spec.split(',').map((part) => {
      const [kind, weight] = part.split(':');
      if (!DEFAULT_MIX.some(([k]) => k === kind) || !/^\d+$/.test(weight ?? '')) throw new Error(`BENCH_MIX: '${part}' is not <kind>:<integer weight>`);
      return [kind as Kind, Number(weight)] as const;
    }),
  );
  return DEFAULT_MIX.map(([kind, weight]) => [kind, overrides.get(kind) ?? weight] as const);
}

export interface RequestSpec {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface Context {
  kind?: Kind;
  taskId?: string;
}

export class Workload {
  private readonly inFlight = new Set<string>();
  private readonly percent = new Map<string, number>();
  private readonly picks: Kind[] = [];
  private seq = 0;
  /** Responses by kind and status. */
  readonly statuses = new Map<Kind, Map<number, number>>();
  /** A few refused bodies, to say why. */
  readonly samples: Array<{ kind: Kind; status: number; body: string }> = [];

  constructor(
    private readonly org: SeededOrg,
    private readonly random: () => number = Math.random,
    readonly mix: ReadonlyArray<readonly [Kind, number]> = mixFromEnv(),
  ) {
    for (const [kind, weight] of mix) for (let i = 0; i < weight; i++) this.picks.push(kind);
    if (this.picks.length === 0) throw new Error('BENCH_MIX leaves no request to send');
  }

  private pickTask(free: boolean): SeededTask {
    const tasks = this.org.tasks;
    for (let i = 0; i < 50; i++) {
      const t = tasks[Math.floor(this.random() * tasks.length)];
      if (!free || !this.inFlight.has(t.taskId)) return t;
    }
    throw new Error('no free task: more connections than tasks?');
  }

  private staffOf(unitId: string): string {
    return this.org.tokens.staff.get(unitId)!;
  }

  next(context: Context): RequestSpec {
    return this.build(this.picks[Math.floor(this.random() * this.picks.length)], context);
  }

  build(kind: Kind, context: Context): RequestSpec {
    context.kind = kind;
    const json = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    const { tokens, today } = this.org;
    switch (kind) {
      case 'list': {
        const t = this.pickTask(false);
        const variant = this.random();
        if (variant < 0.5) {
          return { method: 'GET', path: `/v1/tasks?unitId=${t.leadUnitId}&unitRole=lead&status=in_progress&pageSize=20`, headers: bearer(this.staffOf(t.leadUnitId)) };
        }
        if (variant < 0.8) {
          const district = t.leadUnitId.split('-')[0];
          return { method: 'GET', path: `/v1/tasks?unitId=${district}&subtree=true&timeliness=not_done_within_deadline&pageSize=50`, headers: bearer(tokens.districtLeaders.get(district)!) };
        }
        return { method: 'GET', path: `/v1/tasks?deadlineFrom=${addDays(today, 30)}&deadlineTo=${addDays(today, 45)}&pageSize=50`, headers: bearer(tokens.inspector) };
      }
      case 'detail': {
        const t = this.pickTask(false);
        return { method: 'GET', path: `/v1/tasks/${t.taskId}`, headers: bearer(this.random() < 0.7 ? this.staffOf(t.leadUnitId) : tokens.inspector) };
      }
      case 'timeline': {
        const t = this.pickTask(false);
        return { method: 'GET', path: `/v1/tasks/${t.taskId}/timeline`, headers: bearer(this.random() < 0.5 ? this.staffOf(t.leadUnitId) : tokens.inspector) };
      }
      case 'notices': {
        const t = this.pickTask(false);
        return { method: 'GET', path: `/v1/units/${t.leadUnitId}/notices?before=${addDays(today, 1)}`, headers: bearer(this.staffOf(t.leadUnitId)) };
      }
      case 'progress': {
        const t = this.pickTask(true);
        this.inFlight.add(t.taskId);
        context.taskId = t.taskId;
        const percent = Math.min(99, (this.percent.get(t.taskId) ?? 0) + 1);
        this.percent.set(t.taskId, percent);
        return {
          method: 'POST',
          path: `/v1/tasks/${t.taskId}/progress-reports`,
          headers: json(this.staffOf(t.leadUnitId)),
          body: JSON.stringify({ percent, narrative: `Progress report ${++this.seq}: ${percent} % of the findings rectified; list updated.` }),
        };
      }
      case 'reminder': {
        const t = this.pickTask(true);
        this.inFlight.add(t.taskId);
        context.taskId = t.taskId;
        return {
          method: 'POST',
          path: `/v1/tasks/${t.taskId}/reminders`,
          headers: json(tokens.inspector),
          body: JSON.stringify({ message: `Reminder ${++this.seq}: report the rectification list before the deadline.`, channel: 'phone' }),
        };
      }
      case 'signoff': {
        const t = this.pickTask(true);
        this.inFlight.add(t.taskId);
        context.taskId = t.taskId;
        const version = this.org.versions.get(t.taskId);
        return {
          method: 'POST',
          path: '/v1/signoffs',
          headers: json(tokens.signer),
          body: JSON.stringify({ record: { streamId: `task-${t.taskId}`, ...(version ? { version } : {}) }, decision: 'approve', comment: `Checked on the monthly review (${++this.seq})` }),
        };
      }
    }
  }

  /** Forgets a request that was built but not sent. */
  discard(context: Context): void {
    if (context.taskId) this.inFlight.delete(context.taskId);
    context.kind = undefined;
    context.taskId = undefined;
  }

  answered(context: Context, status: number, body: string | Buffer | undefined): void {
    const kind = context.kind;
    if (!kind) return;
    const byStatus = this.statuses.get(kind) ?? new Map<number, number>();
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
    this.statuses.set(kind, byStatus);
    if (context.taskId) {
      this.inFlight.delete(context.taskId);
      if (status === 200 && kind !== 'signoff' && body) {
        try {
          const version = JSON.parse(body.toString()).version;
          if (typeof version === 'number') this.org.versions.set(context.taskId, version);
        } catch {
          // a body cut short is counted by its status
        }
      }
    }
    if ((status < 200 || status >= 300) && this.samples.length < 20) this.samples.push({ kind, status, body: String(body ?? '').slice(0, 300) });
  }
}
