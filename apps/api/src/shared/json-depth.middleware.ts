import type { NextFunction, Request, Response } from 'express';
import { preferredLanguage } from './language';
import { bodyError, localizedBody } from './validation-errors';

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

/** Refuses a request body nested deeper than MAX_JSON_DEPTH with the API's error shape (400). */
export function rejectDeepJson(req: Request, res: Response, next: NextFunction): void {
  if (jsonDepth(req.body, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    const refusal = bodyError(400, 'REQUEST.TOO_DEEP', { max: MAX_JSON_DEPTH });
    res.status(400).json(localizedBody(refusal, preferredLanguage(req.headers?.['accept-language'])));
    return;
  }
  next();
}
