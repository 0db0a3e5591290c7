import { SIGN_OFF_ROLES } from '../signoff/decider';
import { TASK_DECIDER_ROLES } from '../task/decider';
import { ROLES, type Role } from '../shared/roles';
import type { OrgUnits } from '../shared/organisation';
import {
  administrator,
  auditor,
  commissioner,
  headOf,
  HENGYANG_UNITS,
  inspector,
  mayor,
  staffOf,
  watcher,
} from '../testing/hengyang.fixtures';
import { AUTHORIZATION, authorize, canRead, COMMAND_TYPES, isAuthorized, READ_SCOPE } from './permissions';

const units = HENGYANG_UNITS;

describe('authorization table', () => {
  it('unit staff and heads report only on tasks their unit leads', () => {
    expect(isAuthorized('ReportProgress', staffOf('zh'), 'zh', units)).toBe(true);
    expect(isAuthorized('ReportCompletion', headOf('zh'), 'zh', units)).toBe(true);
    expect(isAuthorized('ReportProgress', staffOf('zh'), 'zx', units)).toBe(false);
    // The land bureau is a co-unit of every T4 task, but never reports for the lead unit.
    expect(isAuthorized('ReportProgress', staffOf('land'), 'zh', units)).toBe(false);
  });

  it('the municipal inspection office reminds and checks in every district of the city', () => {
    for (const unit of ['zx', 'sg', 'zh', 'hn', 'hd']) {
      expect(isAuthorized('IssueReminder', inspector, unit, units)).toBe(true);
      expect(isAuthorized('VerifyCompletion', inspector, unit, units)).toBe(true);
    }
    const district: OrgUnits = { ...units, 'zh-insp': { id: 'zh-insp', parentId: 'zh', kind: 'office', dissolved: false } };
    const districtInspector = { id: 'p-zh-inspector', role: 'inspector' as const, unit: 'zh-insp' };
    expect(isAuthorized('IssueReminder', districtInspector, 'zh', district)).toBe(true);
    expect(isAuthorized('IssueReminder', districtInspector, 'zx', district)).toBe(false);
  });

  it('leaders issue directives for their own unit subtree only', () => {
    expect(isAuthorized('IssueDirective', mayor, 'city', units)).toBe(true);
    expect(isAuthorized('IssueDirective', mayor, 'zh', units)).toBe(true);
    const districtLeader = { id: 'p-zh-secretary', role: 'leader' as const, unit: 'zh' };
    expect(isAuthorized('IssueDirective', districtLeader, 'zh', units)).toBe(true);
    expect(isAuthorized('IssueDirective', districtLeader, 'city', units)).toBe(false);
    expect(isAuthorized('IssueDirective', inspector, 'city', units)).toBe(false);
  });

  it('auditors run no command at all, and read everything', () => {
    for (const command of COMMAND_TYPES) expect(isAuthorized(command, auditor, 'city', units)).toBe(false);
    for (const unit of Object.keys(units)) expect(canRead(auditor, unit, units)).toBe(true);
  });

  it('others read what lies in their scope', () => {
    expect(canRead(staffOf('zh'), 'zh', units)).toBe(true);
    expect(canRead(staffOf('zh'), 'zx', units)).toBe(false);
    expect(canRead(commissioner, 'zh', units)).toBe(true);
    expect(Object.keys(READ_SCOPE).sort()).toEqual([...ROLES].sort());
  });

  it('administrators keep the organisation; the deadline watcher marks deadlines anywhere', () => {
    expect(isAuthorized('RegisterUnit', administrator, null, units)).toBe(true);
    expect(isAuthorized('MarkDeadlinePassed', watcher, 'hd', units)).toBe(true);
    expect(isAuthorized('IssueReminder', administrator, 'hd', units)).toBe(false);
  });

  it('gives no scope to an actor whose unit is unknown or dissolved, nor to a missing target', () => {
    expect(isAuthorized('ReportProgress', staffOf('ghost'), 'ghost', units)).toBe(false);
    const dissolved: OrgUnits = { ...units, zh: { ...units.zh, dissolved: true } };
    expect(isAuthorized('ReportProgress', staffOf('zh'), 'zh', dissolved)).toBe(false);
    expect(isAuthorized('IssueDirective', mayor, null, units)).toBe(false);
  });

  it('refuses with AUTH.ROLE_NOT_ALLOWED or AUTH.OUT_OF_SCOPE, both forbidden', () => {
    expect(() => authorize('GrantExtension', inspector, 'hn', units)).toThrow(
      expect.objectContaining({ code: 'AUTH.ROLE_NOT_ALLOWED', kind: 'forbidden' }),
    );
    expect(() => authorize('ReportProgress', staffOf('zh'), 'zx', units)).toThrow(
      expect.objectContaining({ code: 'AUTH.OUT_OF_SCOPE', kind: 'forbidden' }),
    );
    expect(() => authorize('GrantExtension', mayor, 'hn', units)).not.toThrow();
  });

  it('never allows a role that the deciders refuse', () => {
    const deciderRoles: { readonly [command: string]: readonly Role[] } = {
      ...TASK_DECIDER_ROLES,
      IssueDirective: ['leader'],
      AmendDirective: ['leader'],
      WithdrawDirective: ['leader'],
      RecordSignOff: SIGN_OFF_ROLES,
    };
    for (const [command, allowed] of Object.entries(deciderRoles)) {
      const permitted = Object.keys(AUTHORIZATION[command as keyof typeof AUTHORIZATION].allow);
      for (const role of permitted) expect({ command, role, allowed: allowed.includes(role as Role) }).toEqual({ command, role, allowed: true });
    }
  });

  it('lists every role in a scope, for every command', () => {
    for (const command of COMMAND_TYPES) {
      const { allow } = AUTHORIZATION[command];
      expect(Object.keys(allow).length).toBeGreaterThan(0);
      for (const [role, scope] of Object.entries(allow)) {
        expect(ROLES).toContain(role);
        expect(['anywhere', 'unit-subtree', 'jurisdiction']).toContain(scope);
      }
    }
  });
});
