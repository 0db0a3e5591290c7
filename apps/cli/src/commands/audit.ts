import { randomUUID } from 'node:crypto';
import { Option, type Command } from 'commander';
import { auditStreamId, isIsoInstant, parseStreamId, type AuditDataViewed } from '@ledger/domain';
import { systemClock, type JsonObject, type LedgerStore } from '@ledger/event-store';
import {
  actorActivity,
  AS_OF_BASES,
  auditLogOf,
  emptyReadModels,
  foldReadModels,
  recordAsOf,
  recordTimeline,
  signOffsOfRecord,
  supportsAsOf,
  type AsOfBasis,
  type LedgerReadModels,
} from '@ledger/projections';
import { cliActor } from './users';

type WithStore = <T>(fn: (store: LedgerStore) => Promise<T>) => Promise<T>;

const PAGE = 1000;

/**
 * `ledger audit ...`: the audit queries of `/v1/audit` against the local store, as the local administrator (who
 * reads everything). The CLI runs the same query functions (@ledger/projections `audit-trail/`) over the log at its
 * head (and, for sign-offs, the read models folded to that head), and records each read as `AuditDataViewed`
 * (channel `cli`) before printing.
 */
export function registerAuditCommands(program: Command, withStore: WithStore): void {
  const audit = program.command('audit').description('who approved what, what an actor did, a record\'s timeline, a record as of an instant (each read is recorded)');
  const json = () => new Option('--json', 'print JSON (the API\'s body)');
  const late = () => new Option('--late-after <seconds>', 'an event recorded this long after it occurred is late (default LEDGER_LATE_ENTRY_SECONDS, 3600)').argParser(whole('--late-after', 0));

  audit
    .command('signoffs')
    .description('every sign-off of a record: approver, role, unit, both times, decision, the hash approved and whether it still matches')
    .argument('<streamId>', 'task-…, directive-…, unit-…')
    .addOption(json())
    .action(async (streamId: string, opts: { json?: boolean }) => {
      const items = await withStore(async (store) => {
        const models = await readModels(store);
        const result = await signOffsOfRecord(models, auditLogOf(store, models.position), streamId);
        await recordView(store, 'audit-signoffs', { record: streamId }, 'ledger audit signoffs');
        return result;
      });
      if (opts.json) return print({ record: streamId, items });
      if (items.length === 0) process.stderr.write(`no sign-offs of ${streamId}\n`);
      for (const s of items) {
        const match = s.hashCheck.matchesCurrent ? 'matches the current record' : s.hashCheck.matchedVersion !== null ? `matches version ${s.hashCheck.matchedVersion} (record now at ${s.hashCheck.currentVersion})` : 'matches no version of the record';
        const signature = s.signature === null ? 'unsigned' : `signed with ${s.signature.algorithm} key ${s.signature.keyId} (${s.signature.custody} custody)${s.signature.verifies ? ', verifies' : ', DOES NOT VERIFY'}${s.signature.keyRevokedAt ? `, key revoked ${s.signature.keyRevokedAt}` : ''}`;
        console.log([
          `${s.signOffId}: ${s.decision} by ${s.approver.id}${s.approver.name ? ` (${s.approver.name})` : ''}, ${s.approver.role} of ${s.approver.unit}`,
          `  occurred ${s.occurredAt}, recorded ${s.recordedAt}, position ${s.position}`,
          `  approved ${streamId} v${s.record.version ?? '?'} with hash ${s.recordHash}: ${match}`,
          `  ${signature}${s.comment ? `\n  comment: ${s.comment}` : ''}`,
        ].join('\n'));
      }
    });

  audit
    .command('actor')
    .description('everything an actor did, in log order, paged by position')
    .argument('<actorId>', 'user id (or cli:<os user>, system)')
    .option('--cursor <position>', 'the nextCursor of the previous page', whole('--cursor', 0))
    .option('--limit <n>', 'events per page (1–500, default 50)', whole('--limit', 1, 500))
    .addOption(late())
    .addOption(json())
    .action(async (actorId: string, opts: { cursor?: number; limit?: number; lateAfter?: number; json?: boolean }) => {
      const page = await withStore(async (store) => {
        const result = await actorActivity(auditLogOf(store, await store.headPosition()), actorId, { after: opts.cursor ?? 0, limit: opts.limit ?? 50, lateAfterSeconds: opts.lateAfter ?? lateEntrySeconds() });
        await recordView(store, 'audit-actor-activity', { actorId, cursor: String(opts.cursor ?? 0), limit: String(opts.limit ?? 50) }, 'ledger audit actor');
        return result;
      });
      if (opts.json) return print({ actorId, ...page });
      for (const e of page.items) console.log(eventLine(e));
      process.stderr.write(page.nextCursor === null ? 'end of the activity\n' : `more: --cursor ${page.nextCursor}\n`);
    });

  audit
    .command('timeline')
    .description('a record\'s full timeline with actors; late entries and corrections marked')
    .argument('<streamId>', 'any stream id')
    .addOption(late())
    .addOption(json())
    .action(async (streamId: string, opts: { lateAfter?: number; json?: boolean }) => {
      const lateAfterSeconds = opts.lateAfter ?? lateEntrySeconds();
      const items = await withStore(async (store) => {
        const result = await recordTimeline(auditLogOf(store, await store.headPosition()), streamId, { lateAfterSeconds });
        await recordView(store, 'audit-timeline', { streamId }, 'ledger audit timeline');
        return result;
      });
      if (items.length === 0) throw usage(`the ledger has no record ${streamId}`);
      if (opts.json) return print({ streamId, version: items.at(-1)!.streamVersion, lateAfterSeconds, items });
      for (const e of items) console.log(eventLine(e));
    });

  audit
    .command('as-of')
    .description('the record (task, directive, unit, sign-off) as it stood at an instant, folded with the domain\'s evolve')
    .argument('<streamId>', 'task-…, directive-…, unit-…, signoff-…')
    .argument('<instant>', 'ISO 8601 with seconds and an offset, e.g. 2018-10-15T00:00:00+08:00')
    .addOption(new Option('--basis <basis>', 'recorded: what the ledger said then; occurred: what is now known to have been so then').choices(AS_OF_BASES).default('recorded'))
    .action(async (streamId: string, instant: string, opts: { basis: AsOfBasis }) => {
      if (!isIsoInstant(instant)) throw usage(`<instant> must be ISO 8601 with seconds and an offset, got ${JSON.stringify(instant)}`);
      if (!supportsAsOf(parseStreamId(streamId)?.kind ?? '')) throw usage(`as-of folds tasks, directives, units and sign-offs; ${streamId} is none of them`);
      const result = await withStore(async (store) => {
        const log = auditLogOf(store, await store.headPosition());
        if ((await log.stream(streamId)).length === 0) throw usage(`the ledger has no record ${streamId}`);
        const answer = await recordAsOf(log, streamId, instant, opts.basis);
        await recordView(store, 'audit-as-of', { streamId, at: instant, basis: opts.basis }, 'ledger audit as-of');
        return answer;
      });
      print(result);
    });
}

/** The read models the API would hold at the log's head: the whole log folded, page by page. */
export async function readModels(store: LedgerStore): Promise<LedgerReadModels> {
  let models = emptyReadModels();
  for (let from = 1; ; ) {
    const page = await store.readAll({ fromPosition: from, limit: PAGE });
    models = foldReadModels(models, page);
    if (page.length < PAGE) return models;
    from = page[page.length - 1].position + 1;
  }
}

/** The CLI's `AuditDataViewed`: the local administrator read audit data. Recorded before anything is printed. */
async function recordView(store: LedgerStore, resource: string, subject: JsonObject, route: string): Promise<void> {
  const actor = cliActor();
  const at = systemClock.now().toISOString();
  const event: AuditDataViewed = {
    type: 'AuditDataViewed',
    data: { viewer: { id: actor.id, role: actor.role, unit: actor.unit }, credentialId: null, resource, subject, channel: 'cli', route, at },
  };
  const commandId = randomUUID();
  await store.append({
    streamId: auditStreamId(actor.id),
    expectedVersion: 'any',
    events: [event],
    metadata: { actorId: actor.id, actorRole: actor.role, actorUnit: actor.unit, commandId, correlationId: commandId, causationId: null, occurredAt: at },
  });
}

function eventLine(e: { position: number; streamId: string; streamVersion: number; type: string; actor: { id: string; role: string; unit: string }; occurredAt: string; recordedAt: string; late: boolean; lateBySeconds: number; outOfOrder: boolean; correction: string | null }): string {
  const marks = [e.late ? `LATE by ${e.lateBySeconds} s` : null, e.outOfOrder ? 'out of order' : null, e.correction].filter((m) => m !== null);
  return `#${e.position} ${e.streamId} v${e.streamVersion} ${e.type} by ${e.actor.id} (${e.actor.role}, ${e.actor.unit}) occurred ${e.occurredAt} recorded ${e.recordedAt}${marks.length ? ` [${marks.join(', ')}]` : ''}`;
}

function print(value: unknown): void {
  console.log(JSON.stringify(value, null, 2));
}

function lateEntrySeconds(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.LEDGER_LATE_ENTRY_SECONDS;
  const n = raw === undefined || raw === '' ? 3600 : Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) throw usage(`LEDGER_LATE_ENTRY_SECONDS must be a whole number of seconds, got '${raw}'`);
  return n;
}

function whole(name: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < min || n > max) throw usage(`${name} must be a whole number from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ''}, got '${value}'`);
    return n;
  };
}

function usage(message: string): Error & { code: string } {
  return Object.assign(new Error(message), { code: 'CLI.USAGE' });
}
