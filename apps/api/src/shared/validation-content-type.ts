import type { NextFunction, Request, Response } from 'express';
import { rejectDeepJson } from './json-depth.middleware';
import { preferredLanguage } from './language';
import { bodyError, localizedBody } from './validation-errors';

/** `application/json` and `application/*+json`, with any parameters. */
const JSON_TYPE = /^application\/([\w.-]+\+)?json\s*(;|$)/i;

/**
 * Refuses a request that carries a body in anything but JSON (a form, plain text) with 415 and the API's error
 * body, instead of letting it reach validation as an empty or form-decoded object. Bodiless requests pass.
 */
export function rejectNonJsonBody(req: Request, res: Response, next: NextFunction): void {
  const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  const type = req.headers['content-type'];
  if (hasBody && !JSON_TYPE.test(type ?? '')) {
    const refusal = bodyError(415, 'REQUEST.UNSUPPORTED_MEDIA_TYPE', { type: (type ?? 'none').replace(/[^\x20-\x7e]/g, '').slice(0, 100) || 'none' });
    res.status(415).json(localizedBody(refusal, preferredLanguage(req.headers['accept-language'])));
    return;
  }
  next();
}

/**
 * What the API checks of a parsed request body, in one middleware: JSON only (`rejectNonJsonBody`, 415), and no
 * deeper than MAX_JSON_DEPTH (`rejectDeepJson`, 400). A request with neither `Content-Length` nor
 * `Transfer-Encoding` (every GET) has no body for either to refuse and passes straight on.
 */
export function checkRequestBody(req: Request, res: Response, next: NextFunction): void {
  if (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined) {
    next();
    return;
  }
  rejectNonJsonBody(req, res, () => rejectDeepJson(req, res, next));
}
