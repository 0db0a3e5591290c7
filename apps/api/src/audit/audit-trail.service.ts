import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { auditStreamId, type AuditDataViewed } from '@ledger/domain';
import type { Clock, JsonObject, LedgerStore } from '@ledger/event-store';
import type { AuthenticatedActor } from '../auth/authenticated-actor';
import { CLOCK, LEDGER_STORE } from '../infrastructure/ledger-store.module';

export interface AuditView {
  /** What kind of data: `evidence`, `checkpoints`, `inclusion-proof`, `discipline-case`, ... */
  readonly resource: string;
  /** Which of it (ids, the query as given). */
  readonly subject: JsonObject;
  /** `GET /v1/evidence`. */
  readonly route: string;
}

/**
 * Records that somebody read audit data, as an `AuditDataViewed` event in their `audit-<actor>` stream. Call it
 * before handing the data over (the `@AuditedRead` interceptor does): if the record cannot be written, the read
 * fails rather than go unrecorded.
 */
@Injectable()
export class AuditTrail {
  constructor(
    @Inject(LEDGER_STORE) private readonly store: LedgerStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async recordView(actor: AuthenticatedActor, view: AuditView): Promise<number> {
    const at = this.clock.now().toISOString();
    const event: AuditDataViewed = {
      type: 'AuditDataViewed',
      data: {
        viewer: { id: actor.id, role: actor.role, unit: actor.unit },
        credentialId: actor.credentialId,
        resource: view.resource,
        subject: view.subject,
        channel: 'api',
        route: view.route,
        at,
      },
    };
    const commandId = randomUUID();
    const result = await this.store.append({
      streamId: auditStreamId(actor.id),
      expectedVersion: 'any',
      events: [event],
      metadata: { actorId: actor.id, actorRole: actor.role, actorUnit: actor.unit, commandId, correlationId: commandId, causationId: null, occurredAt: at },
    });
    return result.lastPosition;
  }
}
