import { randomUUID } from 'node:crypto';
import { fold, type Actor, type Decider, type IsoInstant } from '@ledger/domain';
import { systemClock, type LedgerStore, type NewEvent, type RecordedEvent } from '@ledger/event-store';

/**
 * The API's command loop for one stream, without HTTP, as the CLI's local administrator: read the stream, fold,
 * decide, append with the version read as the expected version (a concurrent writer makes the append fail, not
 * overwrite). Throws the decider's refusal unchanged.
 */
export async function decideAndAppend<S, C, E>(
  store: LedgerStore,
  streamId: string,
  decider: Decider<S, C, E>,
  command: (envelope: { now: IsoInstant; actor: Actor }) => C,
  domainEvents: (recorded: readonly RecordedEvent[]) => E[],
  actor: Actor,
): Promise<void> {
  const recorded = await store.readStream(streamId);
  const version = recorded.length === 0 ? 0 : recorded[recorded.length - 1].streamVersion;
  const now = systemClock.now().toISOString() as IsoInstant;
  const events = decider.decide(command({ now, actor }), fold(decider, domainEvents(recorded)));
  const commandId = randomUUID();
  await store.append({
    streamId,
    expectedVersion: version === 0 ? 'no-stream' : version,
    events: events as unknown as NewEvent[],
    metadata: { actorId: actor.id, actorRole: actor.role, actorUnit: actor.unit, commandId, correlationId: commandId, causationId: null, occurredAt: now },
  });
}
