import {
  canonicalize,
  Checkpointer,
  generateCheckpointKey,
  generateEd25519,
  rawPublicKey,
  sha256,
  signEnvelope,
  SqliteEventStore,
  toHex,
  type CheckpointKey,
  type CommandMetadata,
  type Ed25519KeyPair,
  type JsonObject,
  type NewEvent,
} from '@ledger/event-store';
import { TestClock } from '@ledger/event-store/testing/test-clock';
import { buildEvidenceBundle, type EvidenceRequest } from '../build-evidence';

export const ORIGIN = 'hengyang.example/ledger';
export const SIGNOFF_PAYLOAD_TYPE = 'application/vnd.accountability-ledger.signoff.v1+json';

export interface Approver {
  readonly userId: string;
  readonly key: Ed25519KeyPair;
  readonly publicKey: string;
  readonly keyId: string;
}

export function approver(userId: string): Approver {
  const key = generateEd25519();
  const raw = rawPublicKey(key.publicKey);
  return { userId, key, publicKey: raw.toString('base64'), keyId: toHex(sha256(raw)) };
}

/**
 * A small Zhuhui (zh) chronology for T4 in a log with other units' traffic: the mayor's signing key, the task's
 * assignment, reminder, progress and completion, a checkpoint in between, and the mayor's signed sign-off. The
 * events are appended straight to the store in the shapes the domain records.
 */
export async function evidenceFixture(options: { path?: string; key?: CheckpointKey } = {}) {
  const clock = new TestClock('2018-09-06T01:00:00.000Z');
  const store = await SqliteEventStore.open({
    path: options.path ?? ':memory:',
    policy: { streamKinds: new Set(['unit', 'task', 'signoff', 'user', 'checkpoint', 'audit', 'case']) },
    clock,
  });
  let ledgerKey: CheckpointKey = options.key ?? generateCheckpointKey();
  const checkpointer = new Checkpointer({ store, key: ledgerKey, origin: ORIGIN, clock, everyEvents: 1000, everySeconds: 60 });
  const mayor = approver('p-mayor');
  let n = 0;
  const append = async (streamId: string, events: NewEvent[], actor: [string, string, string] = ['p-insp', 'inspector', 'insp']) => {
    const metadata: CommandMetadata = {
      actorId: actor[0],
      actorRole: actor[1],
      actorUnit: actor[2],
      commandId: `fixture-${++n}`,
      correlationId: `fixture-${n}`,
      causationId: null,
      occurredAt: clock.now().toISOString(),
    };
    return store.append({ streamId, expectedVersion: 'any', events, metadata });
  };
  const at = () => clock.now().toISOString();
  const filler = async (count: number) => {
    for (let i = 0; i < count; i += 50) {
      await append('task-t1-zx', Array.from({ length: Math.min(50, count - i) }, (_, k) => ({ type: 'ProgressReported', data: { taskId: 't1-zx', percent: (i + k) % 100, at: at() } })));
    }
  };

  const registerKey = async (who: Approver, custody: 'user' | 'server' = 'user') =>
    append(
      `user-${who.userId}`,
      [{ type: 'UserKeyRegistered', data: { userId: who.userId, at: at(), by: { id: who.userId, role: 'leader', unit: 'city' }, keyId: who.keyId, publicKey: who.publicKey, algorithm: 'ed25519', custody } }],
      [who.userId, 'leader', 'city'],
    );
  const revokeKey = async (who: Approver, reason = 'Laptop lost') =>
    append(`user-${who.userId}`, [{ type: 'UserKeyRevoked', data: { userId: who.userId, at: at(), by: { id: who.userId, role: 'leader', unit: 'city' }, keyId: who.keyId, reason } }], [who.userId, 'leader', 'city']);

  /** The sign-off event, with the approver's DSSE envelope over the decision and the record hash. */
  const signOff = async (who: Approver, options: { signWith?: Ed25519KeyPair; recordHash?: string } = {}) => {
    const recordHash = toHex(sha256(Buffer.from('task-t4-zh@6')));
    // The statement the sign-off API has approvers sign (@ledger/domain SignOffStatement).
    const statement = {
      comment: 'Rectification list checked on site',
      decision: 'approve',
      recordHash: options.recordHash ?? recordHash,
      recordStreamId: 'task-t4-zh',
      recordVersion: 6,
      signedAt: at(),
      signer: who.userId,
    };
    const envelope = signEnvelope(SIGNOFF_PAYLOAD_TYPE, Buffer.from(canonicalize(statement as JsonObject)), { keyid: who.keyId, privateKey: (options.signWith ?? who.key).privateKey });
    return append(
      'signoff-so-t4-zh',
      [
        {
          type: 'SignOffRecorded',
          data: {
            signOffId: 'so-t4-zh',
            record: { type: 'stream-version', streamId: 'task-t4-zh', version: 6 },
            recordHash,
            recordAuthorId: 'p-zh-staff',
            decision: 'approve',
            comment: 'Rectification list checked on site',
            signature: envelope as unknown as JsonObject,
            at: at(),
            by: { id: who.userId, role: 'leader', unit: 'city' },
          },
        },
      ],
      [who.userId, 'leader', 'city'],
    );
  };

  const chronology = async () => {
    await filler(120);
    await registerKey(mayor);
    await append('task-t4-zh', [
      { type: 'TaskRegistered', data: { taskId: 't4-zh', title: 'T4 rectification of state-owned land supervision (国有土地监管整改)', at: at() } },
      { type: 'TaskAssigned', data: { taskId: 't4-zh', leadUnitId: 'zh', deadline: '2018-10-31', at: at() } },
    ]);
    await filler(150);
    clock.set('2018-10-10T01:00:00.000Z');
    await append('task-t4-zh', [{ type: 'ReminderIssued', data: { taskId: 't4-zh', channel: 'official_document', note: '催办 / đôn đốc', at: at() } }]);
    await checkpointer.signNow();
    await filler(100);
    clock.set('2018-10-25T01:00:00.000Z');
    await append('task-t4-zh', [{ type: 'ProgressReported', data: { taskId: 't4-zh', percent: 82, narrative: '41 of 50 parcels', at: at() } }], ['p-zh-staff', 'unit_staff', 'zh']);
    await append('task-t4-zh', [{ type: 'CompletionReported', data: { taskId: 't4-zh', at: at() } }], ['p-zh-staff', 'unit_staff', 'zh']);
    await append('task-t4-zh', [{ type: 'CompletionVerified', data: { taskId: 't4-zh', at: at() } }]);
    await signOff(mayor);
    await filler(30);
  };

  const build = (request: Partial<EvidenceRequest> = {}) =>
    buildEvidenceBundle(
      { store, checkpointer, clock },
      { streams: ['task-t4-zh', 'signoff-so-t4-zh'], exportedBy: { actorId: 'p-auditor', actorRole: 'auditor', actorUnit: 'audit' }, ...request },
    );

  return {
    store,
    clock,
    checkpointer,
    mayor,
    get ledgerKey() {
      return ledgerKey;
    },
    async rotateLedgerKey() {
      const next = generateCheckpointKey();
      await checkpointer.rotateKey(next);
      ledgerKey = next;
      return next;
    },
    append,
    filler,
    registerKey,
    revokeKey,
    signOff,
    chronology,
    build,
  };
}

export type EvidenceFixture = Awaited<ReturnType<typeof evidenceFixture>>;
