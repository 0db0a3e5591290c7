import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { auditStreamId, isStreamId, type AuditDataViewed } from '@ledger/domain';
import { systemClock, type JsonObject, type LedgerStore } from '@ledger/event-store';
import { buildEvidenceBundle } from '@ledger/evidence';
import { cliCheckpointer } from './checkpoint';
import { cliActor } from './users';

type WithStore = <T>(fn: (store: LedgerStore) => Promise<T>) => Promise<T>;

const EVENT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * `ledger evidence <stream-id | event-id ...>`: one JSON evidence bundle (see libs/evidence) for the named streams
 * and events, proven against a signed checkpoint (a fresh one is signed when none covers them). The export is
 * recorded as an `AuditDataViewed` event of the local administrator before the file is written.
 */
export function registerEvidenceCommand(program: Command, withStore: WithStore): void {
  program
    .command('evidence')
    .description('export an evidence bundle (one JSON file) for streams and events, verifiable offline with ledger verify-evidence')
    .argument('<ids...>', 'stream ids (task-t4-zh, signoff-…, case-…) and event ids (UUIDs)')
    .option('--out <file>', 'write the bundle here (default: stdout, with no trailing newline)')
    .option('--checkpoint-size <n>', 'prove against the checkpoint of this size (e.g. one a witness holds) instead of the latest')
    .action(async (ids: string[], opts: { out?: string; checkpointSize?: string }) => {
      const streams = ids.filter((id) => !EVENT_ID.test(id));
      const eventIds = ids.filter((id) => EVENT_ID.test(id));
      const bad = streams.find((id) => !isStreamId(id));
      if (bad) throw Object.assign(new Error(`${bad} is neither a stream id (<kind>-<id>) nor an event id`), { code: 'EVIDENCE.BAD_ID' });
      const text = await withStore(async (store) => {
        const checkpointer = await cliCheckpointer(store);
        const actor = cliActor();
        const exportedBy = { actorId: actor.id, actorRole: actor.role, actorUnit: actor.unit };
        const bundle = await buildEvidenceBundle(
          { store, checkpointer, clock: systemClock },
          { streams, eventIds, exportedBy, checkpointSize: opts.checkpointSize === undefined ? undefined : Number(opts.checkpointSize) },
        );
        await recordCliView(store, { streams, eventIds, checkpointSize: opts.checkpointSize ?? null });
        return bundle;
      });
      if (opts.out) {
        await writeFile(opts.out, text);
        process.stderr.write(`evidence bundle written to ${opts.out} (${Buffer.byteLength(text)} bytes); check it with: ledger verify-evidence ${opts.out}\n`);
      } else {
        process.stdout.write(text);
      }
    });
}

/** The CLI's `AuditDataViewed`: the local administrator exported evidence. */
async function recordCliView(store: LedgerStore, subject: JsonObject): Promise<void> {
  const actor = cliActor();
  const at = systemClock.now().toISOString();
  const event: AuditDataViewed = {
    type: 'AuditDataViewed',
    data: { viewer: { id: actor.id, role: actor.role, unit: actor.unit }, credentialId: null, resource: 'evidence', subject, channel: 'cli', route: 'ledger evidence', at },
  };
  const commandId = randomUUID();
  await store.append({
    streamId: auditStreamId(actor.id),
    expectedVersion: 'any',
    events: [event],
    metadata: { actorId: actor.id, actorRole: actor.role, actorUnit: actor.unit, commandId, correlationId: commandId, causationId: null, occurredAt: at },
  });
}
