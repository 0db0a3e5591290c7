import type { CaseCommandType } from '../accountability/commands';
import type { AppraisalCommandType } from '../appraisal/commands';
import type { RuleSetCommandType } from '../rule-set/commands';
import type { InspectionCommandType } from '../inspection/commands';
import type { InterviewCommandType } from '../inspection/interview-commands';
import type { ObjectiveCommandType } from '../objective/commands';
import type { ResponsibilityLetterCommandType } from '../responsibility-letter/commands';
import type { Actor } from '../shared/actor';
import type { DirectiveCommandType } from '../directive/commands';
import type { DocumentNumberCommandType } from '../document-number/commands';
import { domainError } from '../shared/domain-error';
import { isInSubtree, jurisdictionRootOf, type OrgUnits } from '../shared/organisation';
import type { Role } from '../shared/roles';
import type { SignOffCommandType } from '../signoff/commands';
import type { TaskCommandType } from '../task/commands';
import type { UnitCommandType } from '../unit/commands';

export type CommandType =
  | UnitCommandType
  | DirectiveCommandType
  | DocumentNumberCommandType
  | TaskCommandType
  | SignOffCommandType
  | ResponsibilityLetterCommandType
  | ObjectiveCommandType
  | InspectionCommandType
  | InterviewCommandType
  | AppraisalCommandType
  | RuleSetCommandType
  | CaseCommandType;

/**
 * Where, relative to the actor's unit, a role may act:
 * - `anywhere`: no unit restriction (administrators, and auditors for reading);
 * - `unit-subtree`: the target unit is the actor's unit or below it (unit heads and staff act for their unit;
 *   leaders for the unit they lead and what lies under it);
 * - `jurisdiction`: the target unit is inside the territory the actor's office serves, i.e. below the nearest
 *   territorial unit (city, district, ward, county) at or above the actor's unit: the municipal inspection office,
 *   an office under the city, inspects every district of the city (`jurisdictionRootOf`).
 */
export type ScopeRule = 'anywhere' | 'unit-subtree' | 'jurisdiction';

/**
 * Which unit a command is judged against; the API resolves it from the command and the read models:
 * - `unit`: the unit the command acts on;
 * - `parent-unit`: the parent of the unit being registered (null for a root unit);
 * - `issuer-unit`: the unit in whose name the directive or document number is issued (for RegisterTask, the
 *   directive's issuer unit);
 * - `lead-unit`: the task's lead unit (for AssignTask, the unit being made lead; for TransferTask, the current one);
 * - `record-unit`: the unit owning the record signed off (a directive's issuer unit, a task's lead unit, ...);
 * - `lower-unit`: the unit a responsibility letter commits (the upper unit's leaders have it in their subtree);
 * - `owner-unit`: the unit that runs an appraisal cycle (the city for a municipal cycle).
 * For objectives, `unit` is the objective's unit; for findings, rectifications and interviews, the unit they are
 * about; for cases, the subject unit; for scheduling, publishing and closing an inspection, `issuer-unit` is the
 * inspecting office's unit.
 */
export type TargetUnit =
  | 'unit'
  | 'parent-unit'
  | 'issuer-unit'
  | 'lead-unit'
  | 'record-unit'
  | 'lower-unit'
  | 'owner-unit';

export type CommandPermission = {
  readonly target: TargetUnit;
  /** The roles that may run the command, each with its scope. A role not listed may not run it. */
  readonly allow: { readonly [R in Role]?: ScopeRule };
};

const anyAdministrator = { administrator: 'anywhere' } as const;
const unitPeople = { unit_head: 'unit-subtree', unit_staff: 'unit-subtree' } as const;
const overseers = { inspector: 'jurisdiction', leader: 'unit-subtree' } as const;

/**
 * Who may run each command, and where. Auditors appear nowhere: they only read (`READ_SCOPE`). The deciders
 * enforce the rules that are the domain's own (only a leader issues a directive, verifies are by an inspector or
 * a leader, nobody approves their own work); a test checks that this table never allows what a decider refuses.
 */
export const AUTHORIZATION: { readonly [C in CommandType]: CommandPermission } = {
  // Organisation
  RegisterUnit: { target: 'parent-unit', allow: anyAdministrator },
  RenameUnit: { target: 'unit', allow: anyAdministrator },
  MoveUnit: { target: 'unit', allow: anyAdministrator },
  MergeUnit: { target: 'unit', allow: anyAdministrator },
  SplitUnit: { target: 'unit', allow: anyAdministrator },
  SupersedeUnit: { target: 'unit', allow: anyAdministrator },
  // Posts are personnel records: kept by the organisation / personnel department for its territory.
  AppointHead: { target: 'unit', allow: { ...anyAdministrator, appraiser: 'jurisdiction' } },
  RecordHeadLeaving: { target: 'unit', allow: { ...anyAdministrator, appraiser: 'jurisdiction' } },
  AppointDeputy: { target: 'unit', allow: { ...anyAdministrator, appraiser: 'jurisdiction' } },
  RecordDeputyLeaving: { target: 'unit', allow: { ...anyAdministrator, appraiser: 'jurisdiction' } },
  RegisterCadre: { target: 'unit', allow: { ...anyAdministrator, appraiser: 'jurisdiction' } },
  TransferResponsibilities: { target: 'unit', allow: { ...anyAdministrator, leader: 'unit-subtree' } },

  // Directives and their numbers
  IssueDirective: { target: 'issuer-unit', allow: { leader: 'unit-subtree' } },
  AmendDirective: { target: 'issuer-unit', allow: { leader: 'unit-subtree' } },
  WithdrawDirective: { target: 'issuer-unit', allow: { leader: 'unit-subtree' } },
  ReserveDocumentNumber: { target: 'issuer-unit', allow: { leader: 'unit-subtree', inspector: 'jurisdiction' } },

  // Tasks: 立项 and 交办 by the issuer's side, 反馈 by the lead unit, 催办 and checks by the overseers.
  RegisterTask: { target: 'issuer-unit', allow: overseers },
  AssignTask: { target: 'lead-unit', allow: overseers },
  AcknowledgeTask: { target: 'lead-unit', allow: unitPeople },
  ReportProgress: { target: 'lead-unit', allow: unitPeople },
  ReportCompletion: { target: 'lead-unit', allow: unitPeople },
  RequestExtension: { target: 'lead-unit', allow: unitPeople },
  IssueReminder: { target: 'lead-unit', allow: overseers },
  VerifyCompletion: { target: 'lead-unit', allow: overseers },
  ReturnTaskForRedo: { target: 'lead-unit', allow: overseers },
  CloseTask: { target: 'lead-unit', allow: overseers },
  GrantExtension: { target: 'lead-unit', allow: { leader: 'unit-subtree' } },
  DenyExtension: { target: 'lead-unit', allow: { leader: 'unit-subtree' } },
  CancelTask: { target: 'lead-unit', allow: { leader: 'unit-subtree' } },
  // The deadline watcher runs as a system account with the administrator role.
  MarkDeadlinePassed: { target: 'lead-unit', allow: { ...anyAdministrator, inspector: 'jurisdiction' } },
  TransferTask: { target: 'lead-unit', allow: { ...anyAdministrator, leader: 'unit-subtree' } },

  // Sign-offs
  RecordSignOff: {
    target: 'record-unit',
    allow: {
      leader: 'unit-subtree',
      unit_head: 'unit-subtree',
      inspector: 'jurisdiction',
      appraiser: 'jurisdiction',
      discipline_commissioner: 'jurisdiction',
    },
  },

  // Responsibility letters: drafted by the upper side, signed by a leader of the upper unit and the lower unit's head.
  DraftResponsibilityLetter: { target: 'lower-unit', allow: { leader: 'unit-subtree', appraiser: 'jurisdiction' } },
  AmendResponsibilityLetter: { target: 'lower-unit', allow: { leader: 'unit-subtree', appraiser: 'jurisdiction' } },
  SignResponsibilityLetter: { target: 'lower-unit', allow: { leader: 'unit-subtree', unit_head: 'unit-subtree' } },
  WithdrawResponsibilityLetter: { target: 'lower-unit', allow: { leader: 'unit-subtree' } },

  // Objectives: figures and claims from the unit; revisions and extensions decided by leaders, causes by the
  // commission; evaluation by the appraisers or the year-close watcher (the system account).
  DefineObjective: { target: 'unit', allow: { leader: 'unit-subtree', appraiser: 'jurisdiction' } },
  ReportObjectiveActual: { target: 'unit', allow: unitPeople },
  ProposeObjectiveRevision: { target: 'unit', allow: { unit_head: 'unit-subtree', leader: 'unit-subtree' } },
  ApproveObjectiveRevision: { target: 'unit', allow: { leader: 'unit-subtree' } },
  RejectObjectiveRevision: { target: 'unit', allow: { leader: 'unit-subtree' } },
  RequestObjectiveExtension: { target: 'unit', allow: unitPeople },
  GrantObjectiveExtension: { target: 'unit', allow: { leader: 'unit-subtree' } },
  DenyObjectiveExtension: { target: 'unit', allow: { leader: 'unit-subtree' } },
  ClaimObjectiveCause: { target: 'unit', allow: unitPeople },
  ConfirmObjectiveCause: { target: 'unit', allow: { discipline_commissioner: 'jurisdiction' } },
  RejectObjectiveCause: { target: 'unit', allow: { discipline_commissioner: 'jurisdiction' } },
  EvaluateObjective: { target: 'unit', allow: { ...anyAdministrator, appraiser: 'jurisdiction' } },

  // Inspections (督查) by the inspection office; rectification reported by the unit, checked by the overseers.
  ScheduleInspection: { target: 'issuer-unit', allow: { inspector: 'jurisdiction' } },
  RecordFinding: { target: 'unit', allow: { inspector: 'jurisdiction' } },
  PublishInspectionNotice: { target: 'issuer-unit', allow: { inspector: 'jurisdiction' } },
  OrderRectification: { target: 'unit', allow: { inspector: 'jurisdiction' } },
  ReportRectification: { target: 'unit', allow: unitPeople },
  VerifyRectification: { target: 'unit', allow: overseers },
  ReturnRectification: { target: 'unit', allow: overseers },
  CloseInspection: { target: 'issuer-unit', allow: { inspector: 'jurisdiction' } },
  RecordInterview: {
    target: 'unit',
    allow: { leader: 'unit-subtree', inspector: 'jurisdiction', discipline_commissioner: 'jurisdiction' },
  },

  // Appraisal cycles: appraisers score and moderate; a leader (or another appraiser) approves; unit heads appeal.
  OpenAppraisalCycle: { target: 'owner-unit', allow: { appraiser: 'jurisdiction' } },
  ScoreAppraisal: { target: 'owner-unit', allow: { appraiser: 'jurisdiction' } },
  ModerateAppraisal: { target: 'owner-unit', allow: { appraiser: 'jurisdiction' } },
  ApproveAppraisal: { target: 'owner-unit', allow: { leader: 'unit-subtree', appraiser: 'jurisdiction' } },
  PublishAppraisal: { target: 'owner-unit', allow: { appraiser: 'jurisdiction' } },
  AppealAppraisal: { target: 'unit', allow: { unit_head: 'unit-subtree' } },
  DecideAppraisalAppeal: { target: 'owner-unit', allow: { leader: 'unit-subtree', appraiser: 'jurisdiction' } },
  FinalizeAppraisal: { target: 'owner-unit', allow: { appraiser: 'jurisdiction' } },
  // Rule sets (data, not code): set by the organisation department (appraisers) and administrators. A rule set
  // belongs to no unit (it governs a jurisdiction's appraisals): the role alone decides; the target is the
  // publishing actor's own unit.
  PublishRuleSet: { target: 'unit', allow: { ...anyAdministrator, appraiser: 'anywhere' } },
  WithdrawRuleSet: { target: 'unit', allow: { ...anyAdministrator, appraiser: 'anywhere' } },

  // Accountability cases: only the discipline commission acts; the referral process manager runs as the system
  // account (administrator role), like the deadline watcher.
  ReferCase: { target: 'unit', allow: { ...anyAdministrator, discipline_commissioner: 'jurisdiction' } },
  StartCaseInvestigation: { target: 'unit', allow: { discipline_commissioner: 'jurisdiction' } },
  TakeCaseStatement: { target: 'unit', allow: { discipline_commissioner: 'jurisdiction' } },
  DecideCase: { target: 'unit', allow: { discipline_commissioner: 'jurisdiction' } },
  ExecuteCaseDecision: { target: 'unit', allow: { discipline_commissioner: 'jurisdiction' } },
  CloseCase: { target: 'unit', allow: { discipline_commissioner: 'jurisdiction' } },
  DismissCase: { target: 'unit', allow: { discipline_commissioner: 'jurisdiction' } },
  ExemptCase: { target: 'unit', allow: { discipline_commissioner: 'jurisdiction' } },
  AppealCaseDecision: { target: 'unit', allow: { discipline_commissioner: 'jurisdiction' } },
  DecideCaseAppeal: { target: 'unit', allow: { discipline_commissioner: 'jurisdiction' } },
};

export const COMMAND_TYPES = Object.keys(AUTHORIZATION) as CommandType[];

/** What each role may read: auditors and administrators everything, the others what they may act on. */
export const READ_SCOPE: { readonly [R in Role]: ScopeRule } = {
  administrator: 'anywhere',
  auditor: 'anywhere',
  leader: 'unit-subtree',
  unit_head: 'unit-subtree',
  unit_staff: 'unit-subtree',
  inspector: 'jurisdiction',
  appraiser: 'jurisdiction',
  discipline_commissioner: 'jurisdiction',
};

/**
 * Whether `targetUnitId` lies within `scope` of the actor's unit. An actor whose own unit is unknown to the read
 * model, or dissolved, has no scope short of `anywhere`; a null target (a root unit) is only in scope `anywhere`.
 */
export function inScope(actor: Actor, scope: ScopeRule, targetUnitId: string | null, units: OrgUnits): boolean {
  if (scope === 'anywhere') return true;
  const own = Object.hasOwn(units, actor.unit) ? units[actor.unit] : undefined;
  if (targetUnitId === null || own === undefined || own.dissolved) return false;
  const root = scope === 'unit-subtree' ? actor.unit : jurisdictionRootOf(actor.unit, units);
  return isInSubtree(targetUnitId, root, units);
}

/** Throws `AUTH.ROLE_NOT_ALLOWED` or `AUTH.OUT_OF_SCOPE` (both 403) unless the actor may run the command there. */
export function authorize(commandType: CommandType, actor: Actor, targetUnitId: string | null, units: OrgUnits): void {
  const scope = AUTHORIZATION[commandType].allow[actor.role];
  if (scope === undefined) throw domainError('AUTH.ROLE_NOT_ALLOWED', { role: actor.role, command: commandType });
  if (!inScope(actor, scope, targetUnitId, units)) {
    throw domainError('AUTH.OUT_OF_SCOPE', { unit: targetUnitId ?? '—', actorUnit: actor.unit });
  }
}

export function isAuthorized(
  commandType: CommandType,
  actor: Actor,
  targetUnitId: string | null,
  units: OrgUnits,
): boolean {
  const scope = AUTHORIZATION[commandType].allow[actor.role];
  return scope !== undefined && inScope(actor, scope, targetUnitId, units);
}

export function canRead(actor: Actor, unitId: string, units: OrgUnits): boolean {
  return inScope(actor, READ_SCOPE[actor.role], unitId, units);
}
