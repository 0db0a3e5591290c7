import { createHash } from 'node:crypto';
import {
  directiveDecider,
  directiveStreamId,
  documentNumberDecider,
  documentNumberStreamId,
  signOffDecider,
  signOffStreamId,
  taskDecider,
  taskStreamId,
  unitDecider,
  unitStreamId,
  type Actor,
  type Decider,
} from '@ledger/domain';
import type { AppendRequest, EventStore, JsonObject } from '@ledger/event-store';
import { unitIds } from '../test/pressure/support/seed';

/**
 * Writes a realistic log of about `events` events straight through the store, each event decided by the domain's own
 * deciders (so the read models fold real facts, not filler): units with heads, directives of 500 tasks each
 * (document number reserved, directive issued, every task registered and assigned), then each task's life — an
 * acknowledgement, eight progress reports, four reminders, and by thirds: completion reported, verified, closed and
 * signed off; an extension requested and granted with two more reports; two more reminders.
 *
 * Commands that the API would append one by one are batched per stream here (one append per task life), because
 * this builds the log a rebuild reads; it is not what is measured.
 */

/** A day of the generated year (day 0 = 2024-01-10) and a time on it, in the jurisdiction's offset. */
const DATE = (day: number) => new Date(Date.UTC(2024, 0, 10 + day)).toISOString().slice(0, 10);
const AT = (day: number, hour = 9) => `${DATE(day)}T${String(hour).padStart(2, '0')}:00:00+08:00`;
const UTC = (at: string) => new Date(at).toISOString();

interface Pending {
  readonly streamId: string;
  readonly events: Array<{ type: string; data: JsonObject }>;
  readonly actor: Actor;
  readonly at: string;
}

export interface GeneratedLog {
  readonly events: number;
  readonly tasks: number;
  readonly units: number;
  readonly appends: number;
}

/** Folds a decider's decisions on one stream, keeping the events to append. */
class StreamWriter<S, C, E extends { type: string; data: unknown }> {
  private state: S;
  readonly events: Array<{ type: string; data: JsonObject }> = [];

  constructor(private readonly decider: Decider<S, C, E>) {
    this.state = decider.initialState();
  }

  run(command: C): this {
    for (const event of this.decider.decide(command, this.state)) {
      this.events.push({ type: event.type, data: event.data as JsonObject });
      this.state = this.decider.evolve(this.state, event);
    }
    return this;
  }
}

export async function generateLog(
  store: EventStore,
  options: { events: number; units?: number; concurrency?: number; onProgress?: (events: number) => void },
): Promise<GeneratedLog> {
  const concurrency = options.concurrency ?? 1;
  const admin: Actor = { id: 'admin', role: 'administrator', unit: 'root' };
  const mayor: Actor = { id: 'p-mayor', role: 'leader', unit: 'city' };
  const vice: Actor = { id: 'p-vice-mayor', role: 'leader', unit: 'city' };
  const inspector: Actor = { id: 'p-inspector', role: 'inspector', unit: 'insp' };
  let written = 0;
  let appends = 0;
  let seq = 0;
  const inFlight = new Set<Promise<void>>();

  const append = async (p: Pending): Promise<void> => {
    const commandId = `gen-${++seq}`;
    const request: AppendRequest = {
      streamId: p.streamId,
      expectedVersion: 'any',
      events: p.events,
      metadata: { actorId: p.actor.id, actorRole: p.actor.role, actorUnit: p.actor.unit, commandId, correlationId: commandId, causationId: null, occurredAt: UTC(p.at) },
    };
    const run = store.append(request).then(() => {
      written += p.events.length;
      appends++;
      options.onProgress?.(written);
    });
    inFlight.add(run);
    run.finally(() => inFlight.delete(run)).catch(() => undefined);
    if (inFlight.size >= concurrency) await Promise.race(inFlight);
  };

  // Units and their heads.
  const unitCount = options.units ?? 1000;
  const { districts, wards } = unitIds(unitCount);
  const tree: Array<{ id: string; kind: string; parent: string | null }> = [
    { id: 'city', kind: 'city', parent: null },
    { id: 'insp', kind: 'office', parent: 'city' },
    ...districts.map((id) => ({ id, kind: 'district', parent: 'city' })),
    ...wards.map((w) => ({ id: w.id, kind: 'ward', parent: w.parent })),
  ];
  const chains = new Map<string, string[]>([['city', []]]);
  for (const u of tree) {
    const parentChain = u.parent === null ? [] : [u.parent, ...(chains.get(u.parent) ?? [])];
    chains.set(u.id, parentChain);
    const now = AT(0, 8);
    const w = new StreamWriter(unitDecider)
      .run({ type: 'RegisterUnit', now, actor: admin, unitId: u.id, names: { en: `Unit ${u.id}` }, kind: u.kind as never, parentId: u.parent, parentChain })
      .run({ type: 'AppointHead', now, actor: admin, unitId: u.id, personId: `h-${u.id}`, name: `Head of ${u.id}`, postTitle: 'Head', from: '2020-01-01' });
    // Two commands in the API; one append here (see above). Wait for parents to be written first.
    await append({ streamId: unitStreamId(u.id), events: w.events, actor: admin, at: now });
  }
  await Promise.all(inFlight);
  const leadUnits = [...districts, ...wards.map((w) => w.id)];

  let task = 0;
  for (let directive = 0; written < options.events; directive++) {
    const directiveId = `dir-${directive}`;
    const issuedOn = DATE(0);
    const now = AT(0, 10);
    const taskIds = Array.from({ length: 500 }, (_, k) => `t-${task + k}`);
    const documentNumber = `GEN-${directive}`;
    const docno = new StreamWriter(documentNumberDecider).run({ type: 'ReserveDocumentNumber', now, actor: mayor, issuerUnitId: 'city', year: 2024, documentNumber, recordStreamId: directiveStreamId(directiveId) });
    await append({ streamId: documentNumberStreamId('city', 2024, documentNumber), events: docno.events, actor: mayor, at: now });
    const issued = new StreamWriter(directiveDecider).run({
      type: 'IssueDirective',
      now,
      actor: mayor,
      directiveId,
      issuerUnitId: 'city',
      issuer: { name: 'Mayor', postTitle: 'Mayor' },
      documentNumber,
      kind: 'directive',
      issuedOn,
      meeting: { name: 'Monthly work dispatch meeting', date: issuedOn },
      title: `Work programme ${directive}`,
      body: 'The units below shall carry out the tasks assigned to them and report progress monthly to the inspection office.',
      taskIds,
    });
    await append({ streamId: directiveStreamId(directiveId), events: issued.events, actor: mayor, at: now });

    for (const taskId of taskIds) {
      if (written >= options.events) break;
      const i = task++;
      const lead = leadUnits[i % leadUnits.length];
      const staff: Actor = { id: `s-${lead}`, role: 'unit_staff', unit: lead };
      const deadline = DATE(60 + (i % 200));
      const t = new StreamWriter(taskDecider)
        .run({ type: 'RegisterTask', now, actor: mayor, taskId, directive: { id: directiveId, issuedOn, status: 'issued' }, title: `Task ${taskId}: rectify the findings of the ${lead} review` })
        .run({
          type: 'AssignTask',
          now,
          actor: mayor,
          taskId,
          leadUnitId: lead,
          coUnitIds: i % 5 === 0 ? [leadUnits[(i * 7 + 3) % leadUnits.length]].filter((c) => c !== lead) : [],
          leadUnitHead: { unitId: lead, personId: `h-${lead}`, name: `Head of ${lead}`, postTitle: 'Head' },
          work: 'Rectify every finding of the review and keep the rectification list up to date',
          deadline,
          expectedResult: 'All findings rectified, with the list and evidence',
        });
      await append({ streamId: taskStreamId(taskId), events: t.events.splice(0), actor: mayor, at: now });

      const later = AT(1 + (i % 20));
      t.run({ type: 'AcknowledgeTask', now: later, actor: staff, taskId });
      for (let k = 1; k <= 8; k++) {
        t.run({ type: 'ReportProgress', now: AT(2 + k * 3), actor: staff, taskId, percent: k * 10, narrative: `Progress report ${k}: ${k * 10} % of the findings rectified.`, evidence: [] });
        if (k % 2 === 0) t.run({ type: 'IssueReminder', now: AT(2 + k * 3, 15), actor: inspector, taskId, message: `Reminder ${k / 2}: report the rectification list.`, channel: 'phone' });
      }
      let signOff = false;
      if (i % 3 === 0) {
        t.run({ type: 'ReportCompletion', now: AT(40), actor: staff, taskId, narrative: 'All findings rectified; list and evidence attached.', evidence: [sha(`evidence-${taskId}`)] })
          .run({ type: 'VerifyCompletion', now: AT(42), actor: inspector, taskId, comment: 'Checked on site.' })
          .run({ type: 'CloseTask', now: AT(43), actor: inspector, taskId, comment: null });
        signOff = true;
      } else if (i % 3 === 1) {
        t.run({ type: 'RequestExtension', now: AT(40), actor: staff, taskId, requestId: `ext-${taskId}`, newDeadline: DATE(300), reason: 'Flood season delayed the field work.' })
          .run({ type: 'GrantExtension', now: AT(41), actor: mayor, taskId, requestId: `ext-${taskId}`, newDeadline: DATE(300), comment: 'Granted once.' })
          .run({ type: 'ReportProgress', now: AT(50), actor: staff, taskId, percent: 90, narrative: 'Ninety percent.', evidence: [] })
          .run({ type: 'ReportProgress', now: AT(60), actor: staff, taskId, percent: 95, narrative: 'Ninety-five percent.', evidence: [] });
      } else {
        t.run({ type: 'IssueReminder', now: AT(40), actor: inspector, taskId, message: 'Behind schedule.', channel: 'official_document' })
          .run({ type: 'IssueReminder', now: AT(50), actor: mayor, taskId, message: 'Behind schedule: report at the next meeting.', channel: 'meeting' });
      }
      await append({ streamId: taskStreamId(taskId), events: t.events.splice(0), actor: staff, at: later });
      if (signOff && written < options.events) {
        const signOffId = `so-${taskId}`;
        const s = new StreamWriter(signOffDecider).run({
          type: 'RecordSignOff',
          now: AT(44),
          actor: vice,
          signOffId,
          record: { type: 'stream-version', streamId: taskStreamId(taskId), version: 19 },
          recordHash: sha(`record-${taskId}`),
          recordAuthorId: inspector.id,
          decision: 'approve',
          comment: 'Closed as verified.',
          signature: null,
        });
        await append({ streamId: signOffStreamId(signOffId), events: s.events, actor: vice, at: AT(44) });
      }
    }
  }
  await Promise.all(inFlight);
  return { events: written, tasks: task, units: tree.length, appends };
}

function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
