import type { ApiError } from './api-error';
import { bodyError } from './validation-errors';

/** Deeper than any request this API defines; deeper bodies are refused before validation walks them recursively. */
export const MAX_JSON_DEPTH = 32;

/** The nesting depth of a parsed JSON value, measured without recursion so a hostile body cannot overflow the stack. */
export function jsonDepth(value: unknown, limit = Number.POSITIVE_INFINITY): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    const d = depth + 1;
    if (d > max) max = d;
    if (max > limit) return max;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, d]);
  }
  return max;
}

/**
 * The refusal (400 `REQUEST.TOO_DEEP`, the API's error shape) of a parsed body nested deeper than MAX_JSON_DEPTH,
 * or undefined. The JSON body parser (json-body.ts) applies it to every body it parses.
 */
export function rejectDeepJson(body: unknown): ApiError | undefined {
  return jsonDepth(body, MAX_JSON_DEPTH) > MAX_JSON_DEPTH ? bodyError(400, 'REQUEST.TOO_DEEP', { max: MAX_JSON_DEPTH }) : undefined;
}
