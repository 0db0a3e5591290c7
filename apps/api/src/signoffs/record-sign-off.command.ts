import { Inject } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, Matches, Min, ValidateNested, IsDefined } from 'class-validator';
import {
  optionalText,
  parseStreamId,
  SIGN_OFF_DECISIONS,
  SIGN_OFF_PAYLOAD_TYPE,
  signOffDecider,
  signOffStreamId,
  type SignOffDecision,
  type SignOffSigningKey,
} from '@ledger/domain';
import { type LedgerStore, type RecordedEvent } from '@ledger/event-store';
import type { Map as IMap } from 'immutable';
import {
  AppraisalCyclesProjection,
  CasesProjection,
  evolveDirectiveView,
  evolveTaskView,
  evolveUnitView,
  ObjectivesProjection,
  type LedgerReadModels,
  type Projection,
  type RecordView,
} from '@ledger/projections';
import { LEDGER_STORE } from '../infrastructure/ledger-store.module';
import { caseRepresentation, directiveRepresentation, recordHashOf, taskRepresentation, unitRepresentation } from '../read-models/representations';
import { recordRepresentation, representationHash } from '../shared/record-commands';
import { ApiError } from '../shared/api-error';
import { appError } from '../shared/app-errors';
import { CommandRunner, type CommandAccepted } from '../shared/command-runner';
import type { CommandContext } from '../shared/command-context';
import { EntityId, Text } from '../shared/dto';
import { taskUnitOf } from '../tasks/task-command';
import { SignOffSigning } from './signoff-signing.service';

export class SignedRecordDto {
  @ApiProperty({ example: 'task-t4-zx', description: 'The record\'s stream: `task-<id>`, `directive-<id>`, `unit-<id>`, `objective-<id>` (a revision\'s approval), `appraisal-<year>-<peerGroup>` (a cycle\'s approval) or `case-<id>` (a decision).' })
  @IsString()
  @Matches(/^(task|directive|unit|objective|appraisal|case)-[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/, { message: '$property must name a task, directive, unit, objective, appraisal or case stream' })
  streamId!: string;

  @ApiPropertyOptional({ example: 6, description: 'The version the approver saw (the ETag of GET); a record that has changed since is 409. Default: the current version.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}

export class RecordSignOffRequestDto {
  @EntityId({ example: 'so-t4-zx-completion', description: 'Default: a new UUID.' }, true)
  signOffId?: string;

  @ApiProperty({ type: SignedRecordDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => SignedRecordDto)
  record!: SignedRecordDto;

  @ApiProperty({ enum: SIGN_OFF_DECISIONS, example: 'approve' })
  @IsIn(SIGN_OFF_DECISIONS)
  decision!: SignOffDecision;

  @Text(2000, { example: 'Completion checked against the rectification list' }, true)
  comment?: string;

  @ApiPropertyOptional({
    type: Object,
    example: { payloadType: SIGN_OFF_PAYLOAD_TYPE, payload: 'eyJjb21tZW50IjpudWxsLC4uLn0=', signatures: [{ keyid: '5d3f1c0e8b7a69584736251403f2e1d0c9b8a79685746352413f2e1d0c9b8a79', sig: 'c2ln...' }] },
    description: `The approver's DSSE v1 envelope (\`ledger sign\` makes one): payload type \`${SIGN_OFF_PAYLOAD_TYPE}\`, payload the RFC 8785 canonical JSON of {decision, recordStreamId, recordVersion, recordHash, comment, signer, signedAt}, one signature whose keyid is a registered, unrevoked key of the caller. Verified before anything is recorded: 422 SIGNOFF.SIGNATURE_INVALID, SIGNOFF.KEY_UNKNOWN, SIGNOFF.KEY_REVOKED or SIGNOFF.PAYLOAD_MISMATCH otherwise.`,
  })
  @IsOptional()
  @IsObject()
  signature?: Record<string, unknown>;

  @ApiPropertyOptional({ example: true, description: 'Have the ledger sign with the key it keeps for you (custody `server`), for clients without a key of their own; the sign-off is marked as server custody. Not with `signature`.' })
  @IsOptional()
  @IsBoolean()
  signWithServerKey?: boolean;

  @ApiPropertyOptional({ example: '5d3f1c0e8b7a69584736251403f2e1d0c9b8a79685746352413f2e1d0c9b8a79', description: 'With signWithServerKey: which kept key (default: the newest unrevoked one).' })
  @IsOptional()
  @Matches(/^[0-9a-f]{64}$/, { message: '$property must be a key id (64 lower-case hex digits)' })
  serverKeyId?: string;
}

export type SignOffRecordedResult = CommandAccepted & {
  readonly record: { readonly type: 'stream-version'; readonly streamId: string; readonly version: number };
  readonly recordHash: string;
  /** The key the signature verified under, and who kept it; null for an unsigned sign-off. */
  readonly signedWith: SignOffSigningKey | null;
};

export class RecordSignOffCommand extends Command<SignOffRecordedResult> {
  constructor(readonly body: RecordSignOffRequestDto, readonly ctx: CommandContext) {
    super();
  }
}

export type SignedView = { representation: object; unitId: string | null; author: string; hash?: string };

/** The record kinds a sign-off can name: those whose GET is a pure function of their own stream. */
const SIGNABLE_KINDS: readonly string[] = ['task', 'directive', 'unit', 'objective', 'appraisal', 'case'];

/** Folds a record stream of issue 4 with its projection: the view GET serves (one record per stream). */
function recordViewOf<R>(projection: Projection<IMap<string, RecordView<R>>>, events: readonly RecordedEvent[]): RecordView<R> {
  const views = events.reduce((model, event) => projection.evolve(model, event), projection.initialState());
  const view = views.first();
  if (view === undefined) throw appError('SIGNOFF.RECORD_NOT_FOUND', { value: events[0].streamId }, 'record.streamId');
  return view;
}

/**
 * 签批 / phê duyệt: approves or rejects a task, directive, unit, objective, appraisal cycle or case exactly as GET serves it at a version. The ledger
 * computes `recordHash` = SHA-256 of the RFC 8785 canonical JSON of that representation, and `recordAuthorId` =
 * who recorded the record's latest event (the completion's reporter, the directive's issuer or amender), so
 * nobody signs off their own work. Judged against the record's unit (AUTHORIZATION target `record-unit`).
 */
@CommandHandler(RecordSignOffCommand)
export class RecordSignOffHandler implements ICommandHandler<RecordSignOffCommand> {
  constructor(
    private readonly runner: CommandRunner,
    @Inject(LEDGER_STORE) private readonly store: LedgerStore,
    private readonly signing: SignOffSigning,
  ) {}

  /** The record as it stands (its last version) and what signing it means. */
  private async signedRecord(kind: string, id: string, streamId: string, models: LedgerReadModels): Promise<{ version: number; signed: SignedView }> {
    if (kind === 'task') {
      const held = await heldTaskView(this.store, id, streamId, models);
      if (held !== undefined) return held;
    }
    const events = await this.store.readStream(streamId);
    if (events.length === 0) throw appError('SIGNOFF.RECORD_NOT_FOUND', { value: streamId }, 'record.streamId');
    return { version: events[events.length - 1].streamVersion, signed: signedViewOf(kind, events, models) };
  }

  async execute({ body, ctx }: RecordSignOffCommand): Promise<SignOffRecordedResult> {
    const scope = await this.runner.begin(ctx);
    const signOffId = body.signOffId ?? scope.newId('signoff');
    const { streamId } = body.record;
    const parsed = parseStreamId(streamId);
    if (!parsed || !SIGNABLE_KINDS.includes(parsed.kind)) {
      throw appError('SIGNOFF.RECORD_NOT_SUPPORTED', { value: JSON.stringify(streamId) }, 'record.streamId');
    }
    const { version, signed } = await this.signedRecord(parsed.kind, parsed.id, streamId, scope.models());
    const recordHash = signed.hash ?? recordHashOf(signed.representation);
    const record = { type: 'stream-version' as const, streamId, version };
    const signing = await this.signing.prepare(body, scope.envelope.actor);
    const accepted = await scope.run({
      decider: signOffDecider,
      streamId: signOffStreamId(signOffId),
      aggregateId: signOffId,
      creates: true,
      // A sign-off the models (caught up to the head by `begin`) do not hold has no stream yet: decided on the empty
      // state without reading it. Its append expects no stream, so one recorded meanwhile under the same id is read
      // and judged on after all (the runner's held-state retry).
      held: (models) => (models.signOffs.signOffs.has(signOffId) ? undefined : { state: signOffDecider.initialState(), version: 0 }),
      steps: [
        {
          commandType: 'RecordSignOff',
          targetUnit: () => signed.unitId,
          build: (_state, envelope) => {
            // Checked after authorization: the approver must have seen (and signed) the record as it stands.
            const seen = body.record.version ?? signing.signedVersion;
            if (seen !== undefined && seen !== version) {
              throw new ApiError(409, 'STORE.WRONG_EXPECTED_VERSION', `the record changed: ${streamId} is at version ${version}, the sign-off names ${seen}`);
            }
            const comment = optionalText(body.comment);
            const signature = signing.sign({ decision: body.decision, recordStreamId: streamId, recordVersion: version, recordHash, comment, signer: envelope.actor.id }, envelope.now);
            return {
              type: 'RecordSignOff' as const,
              ...envelope,
              signOffId,
              record,
              recordHash,
              recordAuthorId: signed.author,
              decision: body.decision,
              comment,
              signature: signature?.signature ?? null,
              signedWith: signature?.signedWith ?? null,
            };
          },
        },
      ],
    });
    // A replayed request answers with what the first one recorded, not with today's record.
    const stored = scope.models().signOffs.signOffs.get(signOffId);
    const storedRecord = stored?.record.type === 'stream-version' ? stored.record : record;
    return { ...accepted, record: storedRecord, recordHash: stored?.recordHash ?? recordHash, signedWith: stored?.signedWith ?? null };
  }
}

/**
 * A task as the read model holds it, moved on by whatever its stream gained since (`fromVersion`: an index seek that
 * usually finds nothing): the same view as folding the whole stream (the projection folds it with `evolveTaskView`),
 * without reading and decoding the task's every event on each sign-off. Undefined when the model has no such task.
 */
export async function heldTaskView(store: LedgerStore, taskId: string, streamId: string, models: LedgerReadModels): Promise<{ version: number; signed: SignedView } | undefined> {
  const held = models.tasks.tasks.get(taskId);
  if (held === undefined) return undefined;
  const later = await store.readStream(streamId, { fromVersion: held.version + 1 });
  const view = later.reduce(evolveTaskView, held)!;
  const last = later.length > 0 ? { version: later[later.length - 1].streamVersion, author: later[later.length - 1].metadata.actorId } : { version: held.version, author: held.lastActorId };
  return { version: last.version, signed: { representation: taskRepresentation(view), unitId: taskUnitOf(view.record, models), author: last.author } };
}

export function signedViewOf(kind: string, events: readonly RecordedEvent[], models: LedgerReadModels): SignedView {
  const author = events[events.length - 1].metadata.actorId;
  switch (kind) {
    case 'task': {
      const view = events.reduce(evolveTaskView, undefined)!;
      return { representation: taskRepresentation(view), unitId: taskUnitOf(view.record, models), author };
    }
    case 'directive': {
      const view = events.reduce(evolveDirectiveView, undefined)!;
      return { representation: directiveRepresentation(view), unitId: view.record.issuer.unitId, author };
    }
    // The hash of exactly what GET serves, as `recordHashOf` for the other kinds (via JSON, as the response is).
    case 'objective': {
      const view = recordViewOf(ObjectivesProjection, events);
      return { representation: recordRepresentation(view), unitId: view.record.unitId, author, hash: representationHash(recordRepresentation(view)) };
    }
    case 'appraisal': {
      const view = recordViewOf(AppraisalCyclesProjection, events);
      return { representation: recordRepresentation(view), unitId: view.record.ownerUnitId, author, hash: representationHash(recordRepresentation(view)) };
    }
    case 'case': {
      const view = recordViewOf(CasesProjection, events);
      return { representation: caseRepresentation(view), unitId: view.record.subjectUnitId, author, hash: representationHash(caseRepresentation(view)) };
    }
    default: {
      const view = events.reduce(evolveUnitView, undefined)!;
      return { representation: unitRepresentation(view), unitId: view.unitId, author };
    }
  }
}
