import { ValidationPipe, type ValidationPipeOptions } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import { FastValidationPipe } from './fast-validation';
import { fieldFailures, RequestValidationError } from './validation-errors';

/**
 * Whitelisted, unknown fields forbidden, types transformed; failures become `{code: 'REQUEST.VALIDATION', message,
 * fields: [{field, reason, code, params}]}` (400), one stable code per failed check, worded in the caller's language.
 * A valid object of a flat DTO takes a compiled fast path (./fast-validation.ts); everything else, and every refusal,
 * is the ValidationPipe's.
 */
export function ledgerValidationPipe(): ValidationPipe {
  memoiseTargetValidationMetadatas();
  return new FastValidationPipe(ledgerValidationOptions());
}

/** The ValidationPipe's options, for the pipe and for the spec that holds its fast path to the plain pipe. */
export function ledgerValidationOptions(): ValidationPipeOptions {
  return {
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    // The target (to read each decorator's arguments) and the value (to tell a missing field) never reach the response.
    validationError: { target: true, value: true },
    exceptionFactory: (errors) => new RequestValidationError(fieldFailures(errors)),
  };
}

type Storage = {
  getTargetValidationMetadatas(target: Function, schema: string, always: boolean, strictGroups: boolean, groups?: string[]): unknown[];
  addValidationMetadata(metadata: unknown): void;
  addValidationSchema(schema: unknown): void;
};
const MEMOISED = Symbol.for('ledger.validation-metadata-memo');

/**
 * class-validator finds a DTO's checks, on every validation of every request body and query, by walking the
 * metadata of every decorated class (an `instanceof` per class, for inherited checks) and filtering them — a
 * measurable share of a small request. The answer changes only when a decorator registers, which happens as classes
 * load: it is kept per class and options here, and forgotten whenever metadata is added.
 */
export function memoiseTargetValidationMetadatas(): void {
  const storage = getMetadataStorage() as unknown as Storage & { [MEMOISED]?: true };
  if (storage[MEMOISED]) return;
  storage[MEMOISED] = true;
  const find = storage.getTargetValidationMetadatas.bind(storage);
  let known = new Map<Function, Map<string, unknown[]>>();
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    const key = JSON.stringify([schema ?? null, always ?? null, strictGroups ?? null, groups ?? null]);
    let byOptions = known.get(target);
    if (!byOptions) known.set(target, (byOptions = new Map()));
    let metadatas = byOptions.get(key);
    if (!metadatas) byOptions.set(key, (metadatas = find(target, schema, always, strictGroups, groups)));
    // A fresh array, as the original returns one each time.
    return metadatas.slice();
  };
  const addMetadata = storage.addValidationMetadata.bind(storage);
  storage.addValidationMetadata = (metadata) => {
    known = new Map();
    addMetadata(metadata);
  };
  const addSchema = storage.addValidationSchema.bind(storage);
  storage.addValidationSchema = (schema) => {
    known = new Map();
    addSchema(schema);
  };
}
