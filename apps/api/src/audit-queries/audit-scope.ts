import { parseStreamId, READ_SCOPE, type Actor } from '@ledger/domain';
import type { LedgerReadModels } from '@ledger/projections';
import type { ReadScope } from '../read-models/read-scope';

/**
 * Which streams' events a caller may see in the audit queries, by the same rules as every other read (READ_SCOPE):
 * a task, directive or unit as their own queries decide; a sign-off as the record it signs; a user's stream by the
 * user and by those who read every user (administrators, auditors); the ledger's own streams (checkpoints, the
 * access log) by those who read everything; any other record by the unit it is about, named in its first event.
 */
export class AuditScope {
  private readonly memo = new Map<string, boolean>();

  constructor(
    private readonly actor: Actor,
    private readonly models: LedgerReadModels,
    private readonly scope: ReadScope,
  ) {}

  get readsEverything(): boolean {
    return READ_SCOPE[this.actor.role] === 'anywhere';
  }

  stream(streamId: string): boolean {
    let known = this.memo.get(streamId);
    if (known === undefined) {
      known = this.readsEverything || this.decide(streamId);
      this.memo.set(streamId, known);
    }
    return known;
  }

  /** The unit a refusal names: the record's own unit where there is one, else the caller's. */
  unitOf(streamId: string): string {
    return this.ownerUnit(streamId) ?? this.actor.unit;
  }

  private decide(streamId: string): boolean {
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
        if (view.record.type === 'stream-version' && this.models.auditTrail.byStream.has(view.record.streamId)) return this.stream(view.record.streamId);
        return this.scope.unit(view.by.unit);
      }
      case 'user':
        return parsed.id === this.actor.id;
      case 'audit':
      case 'checkpoint':
        return false;
      default: {
        const owner = this.ownerUnit(streamId);
        return owner !== null && this.scope.unit(owner);
      }
    }
  }

  /** The unit a record is about, as its first event names it (objectives, inspections, cases, letters, ...). */
  private ownerUnit(streamId: string): string | null {
    const parsed = parseStreamId(streamId);
    if (parsed?.kind === 'unit') return parsed.id;
    if (parsed?.kind === 'task') return this.models.tasks.tasks.get(parsed.id)?.record.assignment?.leadUnitId ?? null;
    if (parsed?.kind === 'directive') return this.models.directives.directives.get(parsed.id)?.record.issuer.unitId ?? null;
    const trail = this.models.auditTrail;
    const index = trail.byStream.get(streamId)?.first();
    const first = index === undefined ? undefined : trail.events.get(index);
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
