import type { Http, Reply } from './http';
import { inPool } from './http';

/**
 * A realistic organisation and workload, seeded through the API with real tokens: a city with an inspection office,
 * districts and wards (every unit with a head in post), a leader who issues directives, a second leader who signs
 * off, an inspector, a leader per district and a member of staff per unit; directives of up to 500 tasks each,
 * assigned round-robin to the districts and wards (every fifth with a co-unit), deadlines spread over the coming
 * year, then acknowledged by each lead unit's staff.
 */

export interface OrgPlan {
  /** Units in all, the city and the inspection office included. */
  readonly units: number;
  readonly tasks: number;
  readonly tasksPerDirective?: number;
  /** Districts (default: one per 50 units). */
  readonly districts?: number;
  /** HTTP requests in flight while seeding. */
  readonly concurrency?: number;
}

export interface SeededTask {
  readonly taskId: string;
  readonly leadUnitId: string;
  readonly coUnitId: string | null;
  readonly deadline: string;
  readonly directiveId: string;
}

export interface SeededOrg {
  readonly today: string;
  readonly cityId: 'city';
  readonly inspectionOfficeId: 'insp';
  readonly districts: readonly string[];
  /** Districts and wards: the units tasks are assigned to. */
  readonly leadUnits: readonly string[];
  readonly parentOf: ReadonlyMap<string, string>;
  readonly tokens: {
    readonly admin: string;
    /** Leader of the city: issues the directives. */
    readonly issuer: string;
    /** Another leader of the city: signs off (never the author of a task event). */
    readonly signer: string;
    readonly inspector: string;
    readonly auditor: string;
    readonly districtLeaders: ReadonlyMap<string, string>;
    readonly staff: ReadonlyMap<string, string>;
  };
  readonly tasks: readonly SeededTask[];
  /** Stream version of each task after seeding (3 once acknowledged). */
  readonly versions: Map<string, number>;
}

/** Today in the jurisdiction (the API's default offset, +08:00). */
export function jurisdictionToday(offsetMinutes = 8 * 60, at = Date.now()): string {
  return new Date(at + offsetMinutes * 60_000).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

export function expect2xx(res: Reply, what: string): Reply {
  if (res.status < 200 || res.status >= 300) throw new Error(`${what}: ${res.status} ${res.text.slice(0, 500)}`);
  return res;
}

export function unitIds(units: number, districtsWanted?: number): { districts: string[]; wards: Array<{ id: string; parent: string }> } {
  if (units < 3) throw new Error('an organisation needs at least 3 units (city, inspection office, one district)');
  const districtCount = Math.max(1, Math.min(99, units - 2, districtsWanted ?? Math.round(units / 50)));
  const districts = Array.from({ length: districtCount }, (_, i) => `d${String(i + 1).padStart(2, '0')}`);
  const wardCount = units - 2 - districtCount;
  const wards = Array.from({ length: Math.max(0, wardCount) }, (_, i) => {
    const parent = districts[i % districtCount];
    return { id: `${parent}-w${String(Math.floor(i / districtCount) + 1).padStart(3, '0')}`, parent };
  });
  return { districts, wards };
}

async function registerUser(http: Http, admin: string, id: string, role: string, unitId: string): Promise<string> {
  expect2xx(await http.post('/v1/users', admin, { id, displayName: `User ${id}`, role, unitId }), `registering ${id}`);
  const issued = expect2xx(await http.post(`/v1/users/${id}/tokens`, admin, { label: 'pressure' }), `issuing a token for ${id}`);
  return issued.body.token as string;
}

/** Units, heads and users (with tokens). */
export async function seedOrganisation(http: Http, adminToken: string, plan: OrgPlan): Promise<Omit<SeededOrg, 'tasks' | 'versions'>> {
  const concurrency = plan.concurrency ?? 16;
  const today = jurisdictionToday();
  const { districts, wards } = unitIds(plan.units, plan.districts);
  const parentOf = new Map<string, string>();
  const unit = (unitId: string, kind: string, parentId: string | null, en: string) =>
    http.post('/v1/units', adminToken, { unitId, names: { en, zh: `${en}（单位）` }, kind, parentId }).then((r) => expect2xx(r, `registering unit ${unitId}`));
  await unit('city', 'city', null, 'City');
  await unit('insp', 'office', 'city', 'Inspection Office');
  parentOf.set('insp', 'city');
  await inPool(districts, concurrency, async (d) => {
    await unit(d, 'district', 'city', `District ${d}`);
    parentOf.set(d, 'city');
  });
  await inPool(wards, concurrency, async (w) => {
    await unit(w.id, 'ward', w.parent, `Ward ${w.id}`);
    parentOf.set(w.id, w.parent);
  });
  const all = ['city', 'insp', ...districts, ...wards.map((w) => w.id)];
  await inPool(all, concurrency, async (u) =>
    expect2xx(await http.post(`/v1/units/${u}/head`, adminToken, { personId: `h-${u}`, name: `Head of ${u}`, postTitle: 'Head', from: '2020-01-01' }), `appointing the head of ${u}`),
  );
  const leadUnits = [...districts, ...wards.map((w) => w.id)];
  const issuer = await registerUser(http, adminToken, 'p-mayor', 'leader', 'city');
  const signer = await registerUser(http, adminToken, 'p-vice-mayor', 'leader', 'city');
  const inspector = await registerUser(http, adminToken, 'p-inspector', 'inspector', 'insp');
  const auditor = await registerUser(http, adminToken, 'p-auditor', 'auditor', 'city');
  const districtLeaders = new Map<string, string>();
  await inPool(districts, concurrency, async (d) => districtLeaders.set(d, await registerUser(http, adminToken, `l-${d}`, 'leader', d)));
  const staff = new Map<string, string>();
  await inPool(leadUnits, concurrency, async (u) => staff.set(u, await registerUser(http, adminToken, `s-${u}`, 'unit_staff', u)));
  return {
    today,
    cityId: 'city',
    inspectionOfficeId: 'insp',
    districts,
    leadUnits,
    parentOf,
    tokens: { admin: adminToken, issuer, signer, inspector, auditor, districtLeaders, staff },
  };
}

/** The tasks of the plan, before they are issued. */
export function planTasks(org: Pick<SeededOrg, 'leadUnits' | 'today'>, count: number, perDirective: number, prefix = ''): SeededTask[] {
  const units = org.leadUnits;
  return Array.from({ length: count }, (_, i) => {
    const leadUnitId = units[i % units.length];
    const co = units[(i * 7 + 3) % units.length];
    return {
      taskId: `${prefix}t-${i}`,
      leadUnitId,
      coUnitId: i % 5 === 0 && co !== leadUnitId ? co : null,
      deadline: addDays(org.today, 30 + ((i * 13) % 330)),
      directiveId: `${prefix}dir-${Math.floor(i / perDirective)}`,
    };
  });
}

/** Issues the directives that create and assign `tasks` (as the city's leader). */
export async function issueDirectives(http: Http, org: Pick<SeededOrg, 'today' | 'tokens'>, tasks: readonly SeededTask[], concurrency = 2): Promise<void> {
  const byDirective = new Map<string, SeededTask[]>();
  for (const t of tasks) byDirective.set(t.directiveId, [...(byDirective.get(t.directiveId) ?? []), t]);
  await inPool([...byDirective.entries()], concurrency, async ([directiveId, own]) => {
    const res = await http.request('POST', '/v1/directives', {
      token: org.tokens.issuer,
      timeoutMs: 600_000,
      body: {
        directiveId,
        documentNumber: `PRESSURE-${directiveId}`,
        kind: 'directive',
        issuedOn: org.today,
        meeting: { name: 'Monthly work dispatch meeting', date: org.today },
        title: `Work programme ${directiveId}`,
        body: 'The units below shall carry out the tasks assigned to them and report progress monthly to the inspection office.',
        tasks: own.map((t) => ({
          taskId: t.taskId,
          title: `Task ${t.taskId}: rectify the findings of the ${t.leadUnitId} review`,
          assignment: {
            leadUnitId: t.leadUnitId,
            ...(t.coUnitId ? { coUnitIds: [t.coUnitId] } : {}),
            work: 'Rectify every finding of the review and keep the rectification list up to date',
            deadline: t.deadline,
            expectedResult: 'All findings rectified, with the list and evidence',
          },
        })),
      },
    });
    expect2xx(res, `issuing ${directiveId}`);
  });
}

/** Each task acknowledged by its lead unit's staff. */
export async function acknowledgeTasks(http: Http, org: Pick<SeededOrg, 'tokens'>, tasks: readonly SeededTask[], versions: Map<string, number>, concurrency = 16): Promise<void> {
  await inPool(tasks, concurrency, async (t) => {
    const res = expect2xx(await http.post(`/v1/tasks/${t.taskId}/acknowledgement`, org.tokens.staff.get(t.leadUnitId)!, {}), `acknowledging ${t.taskId}`);
    versions.set(t.taskId, res.body.version as number);
  });
}

/** The whole organisation and workload, with timings. */
export async function seedWorkload(
  http: Http,
  adminToken: string,
  plan: OrgPlan,
  progress: (what: string, seconds: number) => void = () => undefined,
): Promise<SeededOrg> {
  let t = performance.now();
  const lap = (what: string) => {
    progress(what, (performance.now() - t) / 1000);
    t = performance.now();
  };
  const org = await seedOrganisation(http, adminToken, plan);
  lap(`organisation: ${plan.units} units with heads, ${org.leadUnits.length + org.districts.length + 4} users with tokens`);
  const tasks = planTasks(org, plan.tasks, plan.tasksPerDirective ?? 500);
  await issueDirectives(http, org, tasks);
  lap(`${Math.ceil(plan.tasks / (plan.tasksPerDirective ?? 500))} directives issuing and assigning ${plan.tasks} tasks`);
  const versions = new Map<string, number>();
  await acknowledgeTasks(http, org, tasks, versions, plan.concurrency ?? 16);
  lap(`${plan.tasks} acknowledgements`);
  return { ...org, tasks, versions };
}
