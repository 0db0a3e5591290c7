/**
 * The JSON shapes event data is restricted to. The store canonicalises every event with RFC 8785 (JCS), which has
 * no representation for `undefined`, `Date`, `NaN`, `Infinity`, class instances or sparse arrays, so event data is
 * built from these types only. Structurally identical to the event-store port's types, which the domain must not
 * import: a domain event's data is assignable to the store's `JsonObject` without a cast.
 */
export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** True when `value` survives RFC 8785 canonicalisation unchanged: plain data, finite numbers, no undefined. */
export function isJsonValue(value: unknown): value is JsonValue {
  return jsonProblem(value, '$') === null;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return isPlainObject(value) && isJsonValue(value);
}

/** The path of the first value that is not JSON (`$.data.items[2]`), or null when all of it is. */
export function jsonProblem(value: unknown, path = '$'): string | null {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return null;
  if (typeof value === 'number') return Number.isFinite(value) ? null : path;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) return `${path}[${i}]`;
      const problem = jsonProblem(value[i], `${path}[${i}]`);
      if (problem !== null) return problem;
    }
    return null;
  }
  if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      const problem = jsonProblem(item, `${path}.${key}`);
      if (problem !== null) return problem;
    }
    return null;
  }
  return path;
}

/** A copy that shares nothing with the original (which must be JSON: see `isJsonValue`). */
export function cloneJson<T extends JsonValue>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

// Realm-independent: an object literal's prototype is *some* realm's Object.prototype, whose prototype is null
// (objects built in a vm context or by structuredClone have another realm's Object.prototype).
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as object | null;
  return proto === null || Object.getPrototypeOf(proto) === null;
}
