import type { ActorRef } from '../shared/actor';
import type { IsoInstant } from '../shared/dates';
import type { DomainEvent } from '../shared/decider';
import type { JsonObject } from '../shared/json';

/**
 * Somebody read audit data: an evidence export, proofs, the list of checkpoints, a discipline case. Appended to the
 * reader's `audit-<actor>` stream before the data is handed over, so "who looked at this case, and when" is
 * answered from the log like everything else, and a read that could not be recorded is not served.
 */
export type AuditDataViewed = DomainEvent<
  'AuditDataViewed',
  {
    /** Who read, from the credential. */
    viewer: ActorRef;
    /** The API token used, or null (the CLI, which acts as the local administrator). */
    credentialId: string | null;
    /** What kind of data: `evidence`, `checkpoints`, `inclusion-proof`, `consistency-proof`, `discipline-case`, ... */
    resource: string;
    /** Which of it: stream ids, event ids, a case id, the query as given. */
    subject: JsonObject;
    channel: 'api' | 'cli';
    /** `GET /v1/evidence`, or the CLI command. */
    route: string;
    at: IsoInstant;
  }
>;

export type AuditEvent = AuditDataViewed;
export type AuditEventType = AuditEvent['type'];
