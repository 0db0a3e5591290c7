import type { ActorRef } from '../shared/actor';
import type { IsoDate, IsoInstant } from '../shared/dates';
import type { DomainEvent } from '../shared/decider';

export const DIRECTIVE_KINDS = ['conclusion', 'plan', 'notice', 'directive'] as const;
/** kết luận / 结论, kế hoạch / 方案, thông báo / 通知, chỉ thị / 指示. */
export type DirectiveKind = (typeof DIRECTIVE_KINDS)[number];

/** The meeting a directive came from (hội nghị / 会议). */
export type Meeting = { name: string; date: IsoDate };

/** The leader who issued it: the actor (personId) and the unit in whose name it was issued. */
export type Issuer = { personId: string; name: string; postTitle: string; unitId: string };

type Recorded = { directiveId: string; at: IsoInstant; by: ActorRef };

export type DirectiveIssued = DomainEvent<
  'DirectiveIssued',
  Recorded & {
    issuer: Issuer;
    /** In Unicode NFC, as reserved in `docno-...` (see `documentNumberStreamId`). */
    documentNumber: string;
    kind: DirectiveKind;
    issuedOn: IsoDate;
    meeting: Meeting | null;
    title: string;
    body: string;
    /** The tasks this directive creates, each registered in its own `task-<id>` stream. */
    taskIds: string[];
  }
>;

/** One changed field with its value before and after, so the amendment reads on its own. */
export type DirectiveChange =
  | { field: 'title'; from: string; to: string }
  | { field: 'body'; from: string; to: string }
  | { field: 'meeting'; from: Meeting | null; to: Meeting | null }
  | { field: 'taskIds'; from: string[]; to: string[] };

export type DirectiveAmended = DomainEvent<
  'DirectiveAmended',
  Recorded & { changes: DirectiveChange[]; reason: string }
>;
export type DirectiveWithdrawn = DomainEvent<'DirectiveWithdrawn', Recorded & { reason: string }>;

export type DirectiveEvent = DirectiveIssued | DirectiveAmended | DirectiveWithdrawn;
export type DirectiveEventType = DirectiveEvent['type'];
