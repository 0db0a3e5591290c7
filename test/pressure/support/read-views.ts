import type { Http } from './http';

/**
 * Everything the API serves from its read models, fetched as an auditor (who reads everything): the task list with
 * timeliness, every task and its timeline, every directive, unit, unit's notices and sign-off. Two API processes over
 * the same log must answer these identically, whatever they lived through.
 */
export async function readViews(http: Http, auditorToken: string): Promise<Map<string, string>> {
  const views = new Map<string, string>();
  const get = async (path: string) => {
    const res = await http.get(path, auditorToken);
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${res.text.slice(0, 300)}`);
    views.set(path, canonicalText(res.body));
    return res.body;
  };
  const taskIds: string[] = [];
  for (let page = 1; page <= 10_000; page++) {
    const body = await get(`/v1/tasks?pageSize=500&page=${page}`);
    for (const item of body.items as Array<{ taskId: string }>) taskIds.push(item.taskId);
    if (page * 500 >= body.total) break;
  }
  for (const id of taskIds) {
    await get(`/v1/tasks/${id}`);
    await get(`/v1/tasks/${id}/timeline`);
  }
  const directives = await get('/v1/directives?pageSize=500');
  for (const d of directives.items as Array<{ directiveId: string }>) await get(`/v1/directives/${d.directiveId}`);
  const units = await get('/v1/units');
  for (const u of units.items as Array<{ unitId: string }>) {
    await get(`/v1/units/${u.unitId}`);
    await get(`/v1/units/${u.unitId}/notices`);
  }
  for (let page = 1; page <= 10_000; page++) {
    const body = await get(`/v1/signoffs?pageSize=500&page=${page}`);
    if (page * 500 >= body.total) break;
  }
  return views;
}

/** JSON with object keys sorted, so two equal answers compare equal as text. */
export function canonicalText(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v));
}

/** The paths whose answers differ (or exist on one side only). */
export function differences(a: Map<string, string>, b: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [path, text] of a) if (b.get(path) !== text) out.push(path);
  for (const path of b.keys()) if (!a.has(path)) out.push(path);
  return out;
}
