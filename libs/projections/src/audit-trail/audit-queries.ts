import { createHash, type KeyObject } from 'node:crypto';
import { List } from 'immutable';
import {
  fold,
  isSignOffEvent,
  isUserEvent,
  parseStreamId,
  signOffDecider,
  userDecider,
  type IsoInstant,
  type Role,
  type SignOffEvent,
  type SignOffSigningKey,
  type UserEvent,
  type UserKeyRecord,
  type UserState,
} from '@ledger/domain';
import { canonicalize, ed25519PublicFromRaw, verifyEnvelope, type DsseEnvelope, type JsonObject, type RecordedEvent } from '@ledger/event-store';
import { evolveDirectiveView } from '../directives/directives.projection';
import { evolveUnitView } from '../organisation/organisation.projection';
import { domainEventOf, traceOf } from '../projection';
import type { LedgerReadModels } from '../read-models';
import type { SignOffView } from '../signoffs/signoffs.projection';
import { evolveTaskView } from '../tasks/tasks.projection';
import { actorEvents, type AuditLog } from './audit-log';

/**
 * The audit queries: who approved what (and does the hash still match), an actor's activity, a record's timeline
 * with late entries and corrections marked, and a record as of an instant. They read the log through an `AuditLog`
 * (the store's indexed reads, bounded at one position) and, for sign-offs, the sign-offs read model; the rest is
 * pure. The API adds read scope and the access log; the CLI (a local administrator) calls them as they are.
 */

// ── Records and their canonical forms ───────────────────────────────────────────────────────────────────────────

/** Records a sign-off names, and how their single-record GET representation is folded from their own stream. */
const REPRESENTATIONS = {
  task: (events: readonly RecordedEvent[]) => viewsOf(events, evolveTaskView),
  directive: (events: readonly RecordedEvent[]) => viewsOf(events, evolveDirectiveView),
  unit: (events: readonly RecordedEvent[]) => viewsOf(events, evolveUnitView),
} as const;
export type SignableKind = keyof typeof REPRESENTATIONS;

export function isSignableKind(kind: string): kind is SignableKind {
  return Object.hasOwn(REPRESENTATIONS, kind);
}

/**
 * `{...record, version}` after each event: exactly what `GET /v1/<kind>s/<id>` serves at that version (the API's
 * `read-models/representations.ts`), a pure function of the stream up to it.
 */
function viewsOf<V extends { record: object; version: number }>(
  events: readonly RecordedEvent[],
  evolve: (view: V | undefined, event: RecordedEvent) => V | undefined,
): Array<{ version: number; representation: JsonObject }> {
  const out: Array<{ version: number; representation: JsonObject }> = [];
  let view: V | undefined;
  for (const event of events) {
    view = evolve(view, event);
    if (view !== undefined) out.push({ version: event.streamVersion, representation: { ...view.record, version: view.version } as unknown as JsonObject });
  }
  return out;
}

/** SHA-256 (lower-case hex) of the RFC 8785 canonical JSON: the `recordHash` a sign-off of this form records. */
export function recordHashOf(representation: object): string {
  return createHash('sha256').update(canonicalize(representation), 'utf8').digest('hex');
}

/**
 * The record's canonical form at each version, from its own stream's events (signable kinds only; empty for
 * others): what a sign-off of that version hashes. `ledger sign` uses it on a local store.
 */
export function recordForms(streamId: string, events: readonly RecordedEvent[]): Array<{ version: number; representation: JsonObject; hash: string }> {
  const kind = parseStreamId(streamId)?.kind;
  if (kind === undefined || !isSignableKind(kind)) return [];
  return REPRESENTATIONS[kind](events.filter((e) => e.streamId === streamId)).map((form) => ({ ...form, hash: recordHashOf(form.representation) }));
}

/** The hash of the record at each of its versions (signable kinds only; empty for others and unknown streams). */
export async function recordVersionHashes(log: AuditLog, streamId: string): Promise<Array<{ version: number; hash: string }>> {
  return recordForms(streamId, await log.stream(streamId)).map(({ version, hash }) => ({ version, hash }));
}

// ── People ──────────────────────────────────────────────────────────────────────────────────────────────────────

/** A user as their own stream makes them (none for actors that are not users: `system`, `cli:<os user>`). */
export async function userStateOf(log: AuditLog, userId: string): Promise<UserState> {
  const events = (await log.stream(`user-${userId}`)).filter((e) => isUserEvent(e));
  return fold(userDecider, events.map((e) => domainEventOf<UserEvent>(e)));
}

/** Display names, folded from the users' own streams (each read once per query: the log keeps what it read). */
export function nameResolver(log: AuditLog): (actorId: string) => Promise<string | null> {
  return async (actorId) => {
    const user = await userStateOf(log, actorId);
    return user.status === 'none' ? null : user.displayName;
  };
}

// ── Who approved what ───────────────────────────────────────────────────────────────────────────────────────────

export type SignatureAudit = {
  /** The key the ledger verified the signature under before the append (null on sign-offs from before that check). */
  readonly keyId: string | null;
  readonly algorithm: SignOffSigningKey['algorithm'] | null;
  /** `server`: the ledger kept the key and signed for the approver; `user`: the approver signed with their own key. */
  readonly custody: SignOffSigningKey['custody'] | null;
  readonly payloadType: string | null;
  /** The envelope verifies, today, under the public key the approver had registered (a check anyone can repeat). */
  readonly verifies: boolean;
  readonly keyRegisteredAt: IsoInstant | null;
  /** When the key was revoked, if it was: a revocation after the sign-off leaves the signature attributable. */
  readonly keyRevokedAt: IsoInstant | null;
};

export type SignOffAudit = {
  readonly signOffId: string;
  readonly approver: { readonly id: string; readonly name: string | null; readonly role: Role; readonly unit: string };
  readonly decision: string;
  readonly comment: string | null;
  readonly occurredAt: string;
  readonly recordedAt: string;
  readonly position: number;
  readonly eventId: string;
  /** The record and the version the approver saw, and the SHA-256 of its canonical form then. */
  readonly record: { readonly streamId: string; readonly version: number | null };
  readonly recordHash: string;
  readonly recordAuthorId: string;
  readonly hashCheck: {
    readonly currentVersion: number | null;
    /** The hash is the record's canonical form today. */
    readonly matchesCurrent: boolean;
    /** The version whose canonical form has this hash (the latest such), or null when none does. */
    readonly matchedVersion: number | null;
    /** The hash is that of the version the sign-off names. */
    readonly matchesSignedVersion: boolean;
  };
  /** Null for an unsigned sign-off. */
  readonly signature: SignatureAudit | null;
};

/**
 * Every sign-off of the record (`task-…`, `directive-…`, `unit-…`, or `<kind>-<id>` of a named record), oldest first:
 * the sign-offs the models hold, each checked against the record's versions and the approver's keys in the log.
 */
export async function signOffsOfRecord(models: Pick<LedgerReadModels, 'signOffs'>, log: AuditLog, streamId: string): Promise<SignOffAudit[]> {
  const views = models.signOffs.byStream
    .get(streamId, List<string>())
    .toArray()
    .map((id) => models.signOffs.signOffs.get(id)!)
    .sort((a, b) => a.recorded.position - b.recorded.position);
  if (views.length === 0) return [];
  const versions = await recordVersionHashes(log, streamId);
  const current = versions.at(-1) ?? null;
  const approvers = new Map<string, UserState>();
  for (const view of views) if (!approvers.has(view.by.id)) approvers.set(view.by.id, await userStateOf(log, view.by.id));
  return views.map((view) => {
    const approver = approvers.get(view.by.id)!;
    const signedVersion = view.record.type === 'stream-version' ? view.record.version : null;
    const matched = [...versions].reverse().find((v) => v.hash === view.recordHash) ?? null;
    return {
      signOffId: view.signOffId,
      approver: { id: view.by.id, name: approver.status === 'none' ? null : approver.displayName, role: view.by.role, unit: view.by.unit },
      decision: view.decision,
      comment: view.comment,
      occurredAt: view.recorded.occurredAt,
      recordedAt: view.recorded.recordedAt,
      position: view.recorded.position,
      eventId: view.recorded.eventId,
      record: { streamId, version: signedVersion },
      recordHash: view.recordHash,
      recordAuthorId: view.recordAuthorId,
      hashCheck: {
        currentVersion: current?.version ?? null,
        matchesCurrent: current !== null && current.hash === view.recordHash,
        matchedVersion: matched?.version ?? null,
        matchesSignedVersion: versions.some((v) => v.version === signedVersion && v.hash === view.recordHash),
      },
      signature: signatureAudit(view, approver.status === 'none' ? [] : approver.keys),
    };
  });
}

function signatureAudit(view: SignOffView, keys: readonly UserKeyRecord[]): SignatureAudit | null {
  if (view.signature === null) return null;
  const envelope = view.signature as unknown as DsseEnvelope;
  const claimed = view.signedWith ?? null;
  const key = claimed === null ? undefined : keys.find((k) => k.keyId === claimed.keyId);
  let publicKey: KeyObject | undefined;
  try {
    publicKey = key ? ed25519PublicFromRaw(Buffer.from(key.publicKey, 'base64')) : undefined;
  } catch {
    publicKey = undefined;
  }
  return {
    keyId: claimed?.keyId ?? null,
    algorithm: claimed?.algorithm ?? null,
    custody: claimed?.custody ?? null,
    payloadType: typeof envelope.payloadType === 'string' ? envelope.payloadType : null,
    verifies: publicKey !== undefined && verifyEnvelope(envelope, new Map([[claimed!.keyId, publicKey]])).ok,
    keyRegisteredAt: key?.registeredAt ?? null,
    keyRevokedAt: key?.revoked?.at ?? null,
  };
}

// ── Timelines, late entries and corrections ─────────────────────────────────────────────────────────────────────

/**
 * Events that change what an earlier event of the same record said: amendments (a changed text, target, deadline,
 * lead unit, name or role), withdrawals (the record or a credential no longer stands) and reversals (a report sent
 * back). Types a later version adds are caught by their names.
 */
const CORRECTIONS: Readonly<Record<string, Correction>> = {
  RevisionApproved: 'amendment',
  ExtensionGranted: 'amendment',
  TaskTransferred: 'amendment',
  UnitRenamed: 'amendment',
  UnitMoved: 'amendment',
  UserRoleChanged: 'amendment',
  ResponsibilitiesTransferred: 'amendment',
  UserDeactivated: 'withdrawal',
  TaskReturnedForRedo: 'reversal',
  RectificationReturned: 'reversal',
};
export type Correction = 'amendment' | 'withdrawal' | 'reversal';

export function correctionOf(type: string): Correction | null {
  if (Object.hasOwn(CORRECTIONS, type)) return CORRECTIONS[type];
  if (/(?:Amended|Corrected|Revised)$/.test(type)) return 'amendment';
  if (/(?:Withdrawn|Revoked|Cancelled)$/.test(type)) return 'withdrawal';
  return null;
}

export type EventAudit = {
  readonly position: number;
  readonly eventId: string;
  readonly streamId: string;
  readonly streamVersion: number;
  readonly type: string;
  /** Who, in which role and unit at the time (from the credential, as recorded). */
  readonly actor: { readonly id: string; readonly name: string | null; readonly role: Role; readonly unit: string };
  readonly occurredAt: string;
  readonly recordedAt: string;
  /** Recorded more than the threshold after it occurred (an entry made after the fact). */
  readonly late: boolean;
  readonly lateBySeconds: number;
  /** It occurred before an event of the same record that was recorded earlier: history was filled in afterwards. */
  readonly outOfOrder: boolean;
  readonly correction: Correction | null;
};

export type TimelineAuditEntry = EventAudit & { readonly data: JsonObject };

function eventAudit(event: RecordedEvent, name: string | null, lateAfterSeconds: number, latestOccurredBefore: number): EventAudit {
  const trace = traceOf(event);
  const delay = Math.max(0, Math.floor((Date.parse(trace.recordedAt) - Date.parse(trace.occurredAt)) / 1000));
  return {
    position: trace.position,
    eventId: trace.eventId,
    streamId: event.streamId,
    streamVersion: trace.streamVersion,
    type: trace.type,
    actor: { ...trace.actor, name },
    occurredAt: trace.occurredAt,
    recordedAt: trace.recordedAt,
    late: delay > lateAfterSeconds,
    lateBySeconds: delay,
    outOfOrder: Date.parse(trace.occurredAt) < latestOccurredBefore,
    correction: correctionOf(trace.type),
  };
}

/** Every event of the stream with actor, both clocks, and late entries and corrections marked. */
export async function recordTimeline(log: AuditLog, streamId: string, options: { lateAfterSeconds: number }): Promise<TimelineAuditEntry[]> {
  const nameOf = nameResolver(log);
  const entries: TimelineAuditEntry[] = [];
  let latest = Number.NEGATIVE_INFINITY;
  for (const event of await log.stream(streamId)) {
    const entry = { ...eventAudit(event, await nameOf(event.metadata.actorId), options.lateAfterSeconds, latest), data: event.data };
    latest = Math.max(latest, Date.parse(entry.occurredAt));
    entries.push(entry);
  }
  return entries;
}

/** A page of an actor's events (see `actorEvents`), each with role and unit at the time and its marks. */
export async function actorActivity(
  log: AuditLog,
  actorId: string,
  options: { after: number; limit: number; lateAfterSeconds: number; include?: (event: RecordedEvent) => boolean | Promise<boolean> },
): Promise<{ items: EventAudit[]; nextCursor: number | null }> {
  if (!Number.isSafeInteger(options.limit) || options.limit < 1) throw new RangeError(`limit must be a positive integer, got ${options.limit}`);
  const page = await actorEvents(log, actorId, options);
  const name = await nameResolver(log)(actorId);
  const items: EventAudit[] = [];
  // Out of order is judged within each event's own stream, from the events recorded before it.
  for (const event of page.items) {
    let latest = Number.NEGATIVE_INFINITY;
    for (const earlier of await log.stream(event.streamId)) {
      if (earlier.position >= event.position) break;
      latest = Math.max(latest, Date.parse(traceOf(earlier).occurredAt));
    }
    items.push(eventAudit(event, name, options.lateAfterSeconds, latest));
  }
  return { items, nextCursor: page.nextCursor };
}

// ── As of an instant ────────────────────────────────────────────────────────────────────────────────────────────

export const AS_OF_BASES = ['recorded', 'occurred'] as const;
export type AsOfBasis = (typeof AS_OF_BASES)[number];

/** Kinds whose state can be folded as of an instant: the signable records and sign-offs. */
export function supportsAsOf(kind: string): boolean {
  return isSignableKind(kind) || kind === 'signoff';
}

export type AsOfEventRef = { readonly position: number; readonly streamVersion: number; readonly type: string; readonly occurredAt: string; readonly recordedAt: string };

export type RecordAsOf = {
  readonly streamId: string;
  readonly at: string;
  readonly basis: AsOfBasis;
  /** False when none of the record's events counts yet: the record did not exist (on that basis) at `at`. */
  readonly exists: boolean;
  /** The state folded with the domain's evolve: for tasks, directives and units exactly what GET served then. */
  readonly state: JsonObject | null;
  /** The events folded, in stream order. */
  readonly included: readonly AsOfEventRef[];
  /**
   * The record's events left out. With basis `recorded`, those that had already occurred at `at` but were entered
   * later (`occurredBeforeAt`): what the ledger did not yet show then.
   */
  readonly excluded: ReadonlyArray<AsOfEventRef & { readonly occurredBeforeAt: boolean; readonly recordedBeforeAt: boolean }>;
};

/**
 * The record as of `at`: its events recorded (basis `recorded`: what the ledger said at that instant) or occurred
 * (basis `occurred`: what is now known to have been true then, late entries included) at or before `at`, folded in
 * stream order with the domain's own evolve: the stream as the log holds it (up to the log's `upTo`).
 */
export async function recordAsOf(log: AuditLog, streamId: string, at: string, basis: AsOfBasis): Promise<RecordAsOf> {
  const kind = parseStreamId(streamId)?.kind ?? '';
  if (!supportsAsOf(kind)) throw new RangeError(`no as-of fold for stream kind ${JSON.stringify(kind)}`);
  const t = Date.parse(at);
  const included: RecordedEvent[] = [];
  const excluded: Array<AsOfEventRef & { occurredBeforeAt: boolean; recordedBeforeAt: boolean }> = [];
  for (const event of await log.stream(streamId)) {
    const ref = refOf(event);
    const occurredBeforeAt = Date.parse(ref.occurredAt) <= t;
    const recordedBeforeAt = Date.parse(ref.recordedAt) <= t;
    if (basis === 'recorded' ? recordedBeforeAt : occurredBeforeAt) included.push(event);
    else excluded.push({ ...ref, occurredBeforeAt, recordedBeforeAt });
  }
  return { streamId, at, basis, exists: included.length > 0, state: stateOf(kind, included), included: included.map(refOf), excluded };
}

function refOf(event: RecordedEvent): AsOfEventRef {
  const trace = traceOf(event);
  return { position: trace.position, streamVersion: trace.streamVersion, type: trace.type, occurredAt: trace.occurredAt, recordedAt: trace.recordedAt };
}

function stateOf(kind: string, events: readonly RecordedEvent[]): JsonObject | null {
  if (events.length === 0) return null;
  if (isSignableKind(kind)) return REPRESENTATIONS[kind](events).at(-1)?.representation ?? null;
  const state = fold(signOffDecider, events.filter((e) => isSignOffEvent(e)).map((e) => domainEventOf<SignOffEvent>(e)));
  return state.status === 'none' ? null : ({ ...state, version: events.at(-1)!.streamVersion } as unknown as JsonObject);
}
