import { parseStreamId, READ_SCOPE, type Actor } from '@ledger/domain';
import type { AuditLog, LedgerReadModels } from '@ledger/projections';
import type { ReadScope } from '../read-models/read-scope';

/**
 * Which streams' events a caller may see in the audit queries, by the same rules as every other read (READ_SCOPE):
 * a task, directive or unit as their own queries decide; a sign-off as the record it signs; a user's stream by the
 * user and by those who read every user (administrators, auditors); the ledger's own streams (checkpoints, the
 * access log) by those who read everything; any other record by the unit it is about, named in its first event
 * (read from the log, as the query's other reads are).
 */
export class AuditScope {
  private readonly memo = new Map<string, Promise<boolean>>();

  constructor(
    private readonly actor: Actor,
    private readonly models: LedgerReadModels,
    private readonly scope: ReadScope,
    private readonly log: AuditLog,
  ) {}

  get readsEverything(): boolean {
    return READ_SCOPE[this.actor.role] === 'anywhere';
  }

  stream(streamId: string): Promise<boolean> {
    let known = this.memo.get(streamId);
    if (known === undefined) {
      known = this.readsEverything ? Promise.resolve(true) : this.decide(streamId);
      this.memo.set(streamId, known);
    }
    return known;
  }

  /** The unit a refusal names: the record's own unit where there is one, else the caller's. */
  async unitOf(streamId: string): Promise<string> {
    return (await this.ownerUnit(streamId)) ?? this.actor.unit;
  }

  private async decide(streamId: string): Promise<boolean> {
    const parsed = parseStreamId(streamId);
    if (!parsed) return false;
    const { tasks, directives, signOffs } = this.models;
    switch (parsed.kind) {
      case 'task': {
        const view = tasks.tasks.get(parsed.id);
        return view !== undefined && this.scope.task(view);
      }
      case 'directive': {
        const view = directives.directives.get(parsed.id);
        return view !== undefined && this.scope.directive(view);
      }
      case 'unit':
        return this.scope.unit(parsed.id);
      case 'signoff': {
        const view = signOffs.signOffs.get(parsed.id);
        if (!view) return false;
        if (view.record.type === 'stream-version' && (await this.log.stream(view.record.streamId)).length > 0) return this.stream(view.record.streamId);
        return this.scope.unit(view.by.unit);
      }
      case 'user':
        return parsed.id === this.actor.id;
      case 'audit':
      case 'checkpoint':
        return false;
      default: {
        const owner = await this.ownerUnit(streamId);
        return owner !== null && this.scope.unit(owner);
      }
    }
  }

  /** The unit a record is about, as its first event names it (objectives, inspections, cases, letters, ...). */
  private async ownerUnit(streamId: string): Promise<string | null> {
    const parsed = parseStreamId(streamId);
    if (parsed?.kind === 'unit') return parsed.id;
    if (parsed?.kind === 'task') return this.models.tasks.tasks.get(parsed.id)?.record.assignment?.leadUnitId ?? null;
    if (parsed?.kind === 'directive') return this.models.directives.directives.get(parsed.id)?.record.issuer.unitId ?? null;
    const [first] = await this.log.stream(streamId);
    if (!first) return null;
    const data = first.data as Record<string, unknown>;
    for (const field of ['unitId', 'subjectUnitId', 'lowerUnitId', 'ownerUnitId', 'issuerUnitId']) {
      if (typeof data[field] === 'string') return data[field];
    }
    const units = data.unitIds;
    if (Array.isArray(units) && typeof units[0] === 'string') return units[0];
    return first.metadata.actorUnit;
  }
}
