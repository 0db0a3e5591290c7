import type { CommandEnvelope } from './actor';
import { isIsoDate, isIsoInstant, type IsoDate, type IsoInstant } from './dates';
import { domainError } from './domain-error';
import { isRole } from './roles';

/**
 * Checks of command input shared by every decider. Commands arrive from JSON through the API, whose DTOs check
 * shape too; the domain checks again because it is the last line and the CLI and imports do not pass the DTOs.
 * Each check throws a `ValidationError` naming the field, or returns the value narrowed.
 */

/** Entity ids are part of stream ids: lower-case letters, digits and inner hyphens, at most 64 (UUIDs fit). */
export const ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
export const SHA256_HEX_PATTERN = /^[0-9a-f]{64}$/;

export function isId(value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value);
}

export function isSha256Hex(value: unknown): value is string {
  return typeof value === 'string' && SHA256_HEX_PATTERN.test(value);
}

/** Every command's `now` and `actor`. */
export function checkEnvelope(command: CommandEnvelope): void {
  const actor = command.actor as Partial<CommandEnvelope['actor']> | undefined;
  if (!actor || !isPersonId(actor.id) || !isRole(actor.role) || !isId(actor.unit)) {
    throw domainError('COMMON.ACTOR_INVALID', { field: 'actor' });
  }
  requireInstant(command.now, 'now');
}

export function requireInstant(value: unknown, field: string): IsoInstant {
  if (!isIsoInstant(value)) throw domainError('COMMON.INSTANT_INVALID', { field, value: show(value) });
  return value;
}

export function requireDate(value: unknown, field: string): IsoDate {
  if (!isIsoDate(value)) throw domainError('COMMON.DATE_INVALID', { field, value: show(value) });
  return value;
}

export function requireId(value: unknown, field: string): string {
  if (!isId(value)) throw domainError('COMMON.ID_INVALID', { field, value: show(value) });
  return value;
}

/** A list of distinct ids (possibly empty). */
export function requireIdList(value: unknown, field: string): string[] {
  if (!Array.isArray(value)) throw domainError('COMMON.LIST_REQUIRED', { field });
  const seen = new Set<string>();
  value.forEach((item, index) => {
    const id = requireId(item, `${field}[${index}]`);
    if (seen.has(id)) throw domainError('COMMON.DUPLICATE_VALUE', { field, value: id });
    seen.add(id);
  });
  return [...(value as string[])];
}

/** Person and user ids come from the identity provider: any non-blank string without surrounding spaces. */
export function isPersonId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= 200 && value.trim() === value;
}

export function requirePersonId(value: unknown, field: string): string {
  if (!isPersonId(value)) throw domainError('COMMON.TEXT_REQUIRED', { field });
  return value;
}

export function isNonBlank(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length > 0;
}

export function requireText(value: unknown, field: string): string {
  if (!isNonBlank(value)) throw domainError('COMMON.TEXT_REQUIRED', { field });
  return value;
}

export function requireReason(value: unknown, field = 'reason'): string {
  if (!isNonBlank(value)) throw domainError('COMMON.REASON_REQUIRED', { field });
  return value;
}

export function requireOneOf<const T extends string>(value: unknown, allowed: readonly T[], field: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw domainError('COMMON.VALUE_NOT_ALLOWED', { field, value: show(value), allowed: allowed.join(', ') });
  }
  return value as T;
}

export function requireSha256(value: unknown, field: string): string {
  if (!isSha256Hex(value)) throw domainError('COMMON.HASH_INVALID', { field, value: show(value) });
  return value;
}

/** A list of distinct SHA-256 hashes (possibly empty). */
export function requireHashList(value: unknown, field: string): string[] {
  if (!Array.isArray(value)) throw domainError('COMMON.LIST_REQUIRED', { field });
  const seen = new Set<string>();
  value.forEach((item, index) => {
    const hash = requireSha256(item, `${field}[${index}]`);
    if (seen.has(hash)) throw domainError('COMMON.DUPLICATE_VALUE', { field, value: hash });
    seen.add(hash);
  });
  return [...(value as string[])];
}

/** Optional short text (a name, a comment): trimmed; absent, null or blank become null. */
export function optionalText(value: unknown): string | null {
  return isNonBlank(value) ? value.trim() : null;
}

/** A bounded printable rendering of a bad value for an error message. */
function show(value: unknown): string {
  const text =
    typeof value === 'string' ? value : value === undefined ? 'undefined' : (JSON.stringify(value) ?? String(value));
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
