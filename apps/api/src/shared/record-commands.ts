import { createHash } from 'node:crypto';
import { domainError, type CommandType, type Decider } from '@ledger/domain';
import { canonicalize } from '@ledger/event-store';
import type { LedgerReadModels, RecordView } from '@ledger/projections';
import { appError } from './app-errors';
import type { Envelope, StreamCommand } from './command-runner';

/**
 * A command on one record stream of issue 4 (letter, objective, inspection, interview, appraisal cycle, case): the
 * same shape as `onTask`, with the target unit of the AUTHORIZATION row read from the record's state.
 */
export function onRecord<S, C, E>(options: {
  decider: Decider<S, C, E>;
  streamId: string;
  id: string;
  commandType: CommandType;
  targetUnit: (state: S, models: LedgerReadModels) => string | null;
  build: (state: S, envelope: Envelope) => C;
  notFound: () => Error;
  creates?: boolean;
}): StreamCommand<S, C, E> {
  return {
    decider: options.decider,
    streamId: options.streamId,
    aggregateId: options.id,
    creates: options.creates,
    notFound: options.notFound,
    steps: [{ commandType: options.commandType, targetUnit: options.targetUnit, build: options.build }],
  };
}

/** What GET serves for a record view: the domain's record and its version (the ETag). */
export function recordRepresentation<R extends object>(view: RecordView<R>): R & { version: number } {
  return { ...view.record, version: view.version };
}

/** SHA-256 (hex) of the RFC 8785 canonical JSON of what GET serves: "exactly what the signer saw". */
export function representationHash(representation: object): string {
  return createHash('sha256').update(canonicalize(JSON.parse(JSON.stringify(representation))), 'utf8').digest('hex');
}

/**
 * An approving sign-off of the record (its stream), recorded first: the id a revision approval, an appraisal
 * approval or a case decision names. 422 RECORD.APPROVAL_SIGNOFF_INVALID otherwise.
 */
export function requireApprovingSignOff(models: LedgerReadModels, signOffId: string, streamId: string): string {
  const signOff = models.signOffs.signOffs.get(signOffId);
  const record = signOff?.record as { type?: string; streamId?: string } | undefined;
  if (signOff === undefined || signOff.decision !== 'approve' || record?.type !== 'stream-version' || record.streamId !== streamId) {
    throw appError('RECORD.APPROVAL_SIGNOFF_INVALID', { record: streamId, signOff: signOffId }, 'signOffId');
  }
  return signOffId;
}

/** The view of a record or its domain NOT_FOUND (404). */
export function viewOr404<V>(view: V | undefined, notFound: () => Error): V {
  if (view === undefined) throw notFound();
  return view;
}

export { domainError };
