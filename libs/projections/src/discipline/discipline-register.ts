import type { CaseRecord, CaseReferred, CaseStatus, Referral } from '@ledger/domain';
import type { RecordView } from '../accountability-records/record-view';
import type { LedgerReadModels } from '../read-models';

/**
 * The discipline register (纪委 / ủy ban kiểm tra): every referral and the case it opened, open and closed, with the
 * referral's failure, chronology and responsible heads as referred. Derived from the cases' views.
 */
export type RegisterEntry = {
  caseId: string;
  status: CaseStatus;
  open: boolean;
  subjectUnitId: string;
  referredOn: string;
  referredBy: string;
  objectiveId: string | null;
  referral: Referral;
  version: number;
  eventIds: string[];
};

const CLOSED: readonly CaseStatus[] = ['closed', 'dismissed', 'exempted'];

/** One case's register entry: a pure function of the case's own stream (its view), as GET /v1/cases serves it. */
export function registerEntryOf(view: RecordView<CaseRecord>): RegisterEntry {
  const referred = view.events.find((entry) => entry.type === 'CaseReferred')!;
  const data = referred.data as unknown as CaseReferred['data'];
  const failure = data.referral.failure as { objectiveId?: string };
  return {
    caseId: view.record.caseId,
    status: view.record.status,
    open: !CLOSED.includes(view.record.status),
    subjectUnitId: view.record.subjectUnitId,
    referredOn: referred.occurredAt,
    referredBy: referred.actor.id,
    objectiveId: failure.objectiveId ?? null,
    referral: data.referral,
    version: view.version,
    eventIds: view.events.map((entry) => entry.eventId),
  };
}

export function disciplineRegister(models: LedgerReadModels, filter: { unitIds?: ReadonlySet<string> | null; open?: boolean | null } = {}): RegisterEntry[] {
  return [...models.cases.values()]
    .map(registerEntryOf)
    .filter((entry) => (filter.unitIds == null || filter.unitIds.has(entry.subjectUnitId)) && (filter.open == null || entry.open === filter.open))
    .sort((a, b) => (a.referredOn < b.referredOn ? -1 : a.referredOn > b.referredOn ? 1 : a.caseId < b.caseId ? -1 : 1));
}

/** The case opened for an objective's miss, if any (the process manager refers each objective once). */
export function caseForObjective(models: LedgerReadModels, objectiveId: string): string | null {
  for (const view of models.cases.values()) {
    const referred = view.events.find((entry) => entry.type === 'CaseReferred');
    const failure = (referred?.data as { referral?: { failure?: { objectiveId?: string } } } | undefined)?.referral?.failure;
    if (failure?.objectiveId === objectiveId) return view.record.caseId;
  }
  return null;
}
