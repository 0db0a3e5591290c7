/**
 * The Hengyang 2018 demo scenario (shared/scenarios/hengyang-2018.md, beside the repository) as test fixtures: the units,
 * the actors (persons are named by post only) and a runner that builds task histories through the real decider,
 * so a fixture can never hold a history the decider would refuse. For specs only; not exported by the library.
 */
import type { Actor } from '../shared/actor';
import { fold } from '../shared/decider';
import type { OrgUnits } from '../shared/organisation';
import type { TaskCommand } from '../task/commands';
import { taskDecider } from '../task/decider';
import type { TaskEvent } from '../task/events';

export const HENGYANG_UNITS: OrgUnits = {
  city: { id: 'city', parentId: null, kind: 'city', dissolved: false },
  insp: { id: 'insp', parentId: 'city', kind: 'office', dissolved: false },
  disc: { id: 'disc', parentId: 'city', kind: 'commission', dissolved: false },
  land: { id: 'land', parentId: 'city', kind: 'department', dissolved: false },
  zx: { id: 'zx', parentId: 'city', kind: 'district', dissolved: false },
  sg: { id: 'sg', parentId: 'city', kind: 'district', dissolved: false },
  zh: { id: 'zh', parentId: 'city', kind: 'district', dissolved: false },
  hn: { id: 'hn', parentId: 'city', kind: 'county', dissolved: false },
  hd: { id: 'hd', parentId: 'city', kind: 'county', dissolved: false },
};

export const DISTRICTS_AND_COUNTIES = ['zx', 'sg', 'zh', 'hn', 'hd'] as const;
export type DistrictOrCounty = (typeof DISTRICTS_AND_COUNTIES)[number];

export const mayor: Actor = { id: 'p-mayor', role: 'leader', unit: 'city' };
export const inspector: Actor = { id: 'p-director-of-inspection', role: 'inspector', unit: 'insp' };
export const commissioner: Actor = { id: 'p-commission-secretary', role: 'discipline_commissioner', unit: 'disc' };
export const auditor: Actor = { id: 'p-auditor', role: 'auditor', unit: 'city' };
export const administrator: Actor = { id: 'admin-1', role: 'administrator', unit: 'city' };
/** The deadline watcher's system account. */
export const watcher: Actor = { id: 'system-deadline-watcher', role: 'administrator', unit: 'city' };
export const staffOf = (unit: string): Actor => ({ id: `p-${unit}-staff`, role: 'unit_staff', unit });
export const headOf = (unit: string): Actor => ({ id: `p-${unit}-head`, role: 'unit_head', unit });

/** 09:00 Hengyang time (UTC+8) on `date`, or at `time`. */
export const hengyang = (date: string, time = '09:00:00'): string => `${date}T${time}+08:00`;

export const DIRECTIVE_2018_1 = { id: 'd-2018-1', issuedOn: '2018-09-06', status: 'issued' } as const;

const HEADS: { readonly [U in DistrictOrCounty]: string } = {
  zx: 'District Head A',
  sg: 'District Head B',
  zh: 'District Head C',
  hn: 'County Head D',
  hd: 'County Head E',
};

/** T4 (国有土地监管整改) for one district or county: registered and assigned on 2018-09-06, due 2018-10-31. */
export function t4Assignment(unit: DistrictOrCounty): TaskCommand[] {
  const taskId = `t4-${unit}`;
  const now = hengyang('2018-09-06', '16:30:00');
  return [
    {
      type: 'RegisterTask',
      taskId,
      now,
      actor: inspector,
      directive: DIRECTIVE_2018_1,
      title: 'T4 rectification of state-owned land supervision (国有土地监管整改)',
    },
    {
      type: 'AssignTask',
      taskId,
      now,
      actor: inspector,
      leadUnitId: unit,
      coUnitIds: ['land'],
      leadUnitHead: {
        unitId: unit,
        personId: `p-${unit}-head`,
        name: HEADS[unit],
        postTitle: unit === 'hn' || unit === 'hd' ? 'County Head' : 'District Head',
      },
      work: 'Rectify every problem parcel found by the state-owned land supervision review',
      deadline: '2018-10-31',
      expectedResult: 'All problem parcels rectified, with the rectification list and evidence',
    },
  ];
}

/** Runs commands through the task decider in order, from `given`; throws the first refusal. */
export function runTask(commands: readonly TaskCommand[], given: readonly TaskEvent[] = []): TaskEvent[] {
  const events = [...given];
  for (const command of commands) {
    events.push(...taskDecider.decide(command, fold(taskDecider, events)));
  }
  return events;
}
