import { applyDecorators } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants';
import {
  ApiBearerAuth,
  ApiHeader,
  ApiOperation,
  ApiParam,
  ApiProperty,
  ApiResponse,
  type ApiResponseOptions,
} from '@nestjs/swagger';

/** The error body of every endpoint, for the OpenAPI document. */
export class ApiErrorDto {
  @ApiProperty({ example: 'TASK.EXTENSION_AFTER_DEADLINE', description: 'Stable code clients match on.' })
  code!: string;
  @ApiProperty({ example: 'An extension must be requested on or before the deadline 2018-10-31; today is 2018-11-05.', description: 'In the language of Accept-Language (en, vi, zh).' })
  message!: string;
  @ApiProperty({ example: [], description: 'The input at fault: `{field, reason}` per problem.' })
  fields!: Array<{ field: string; reason: string }>;
}

/** What every command answers (201 for a new record, 200 otherwise), with `ETag: "<version>"`. */
export class CommandAcceptedDto {
  @ApiProperty({ example: 't4-zh', description: 'The record the command acted on.' })
  id!: string;
  @ApiProperty({ example: 'task-t4-zh' })
  streamId!: string;
  @ApiProperty({ example: 3, description: 'Stream version after the command; also sent as the ETag.' })
  version!: number;
  @ApiProperty({ example: 57, description: 'Log position of the last event appended; the read models include it when the response is sent.' })
  position!: number;
  @ApiProperty({ example: ['0c9c6d0e-2d1c-8a3e-9f5b-7e2f8d1a4b6c'] })
  eventIds!: string[];
  @ApiProperty({ example: ['TaskAcknowledged'], description: 'The types of the events appended.' })
  events!: string[];
}

const ERROR_EXAMPLES: Record<
  number,
  { description: string; code: string; message: string; fields?: Array<{ field: string; reason: string; code?: string; params?: Record<string, string> }> }
> = {
  400: {
    description:
      'Malformed input: validation (each entry of `fields` names the field, a code of its own and the reason), unknown or actor fields, malformed JSON or headers. Messages and reasons follow Accept-Language (en, vi, zh).',
    code: 'REQUEST.VALIDATION',
    message: 'The request is not valid: deadline must be a calendar date YYYY-MM-DD.',
    fields: [{ field: 'deadline', code: 'REQUEST.FIELD_NOT_DATE', params: { field: 'deadline' }, reason: 'deadline must be a calendar date YYYY-MM-DD.' }],
  },
  401: { description: 'No bearer token, or an unknown, expired or revoked one.', code: 'AUTH.UNAUTHENTICATED', message: 'a bearer token is required (Authorization: Bearer <token>)' },
  403: { description: 'The role may not run this command (AUTHORIZATION), or the target unit is outside the caller\'s scope.', code: 'AUTH.OUT_OF_SCOPE', message: 'Unit zx is outside your scope (unit zh).' },
  404: { description: 'The record does not exist.', code: 'TASK.NOT_FOUND', message: 'Task t4-zz does not exist.' },
  409: { description: 'Version conflict (stale If-Match, or a concurrent write), duplicate document number, or a state where the command no longer applies.', code: 'STORE.WRONG_EXPECTED_VERSION', message: 'the record changed: it is at version 5, the request expected 4' },
  422: { description: 'A business rule refuses well-formed input.', code: 'TASK.EXTENSION_AFTER_DEADLINE', message: 'An extension must be requested on or before the deadline 2018-10-31; today is 2018-11-05.' },
};

function errorResponses(statuses: readonly number[], codes: Readonly<Partial<Record<number, string>>>): MethodDecorator[] {
  return statuses.map((status) => {
    const example = ERROR_EXAMPLES[status];
    const options: ApiResponseOptions = {
      status,
      description: example.description,
      type: ApiErrorDto,
      example: { code: codes[status] ?? example.code, message: example.message, fields: example.fields ?? [] },
    };
    return ApiResponse(options);
  });
}

export interface CommandDocs {
  readonly summary: string;
  readonly description?: string;
  /** 201 (a new record) instead of 200. */
  readonly created?: boolean;
  /** An example of the success body (default: a CommandAccepted). */
  readonly example?: object;
  /** Error statuses besides 400, 401, 403 and 409 (which every command can return). */
  readonly errors?: readonly number[];
  /** Example codes per status. */
  readonly codes?: Readonly<Partial<Record<number, string>>>;
}

const COMMAND_HEADERS = [
  ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Makes a retried command a no-op that returns the first result (scoped to the caller). 1–100 of [A-Za-z0-9._:~-].' }),
  ApiHeader({ name: 'If-Match', required: false, description: 'The record version the client saw (`"3"`, as in the ETag); a different current version is refused with 409 STORE.WRONG_EXPECTED_VERSION.' }),
  ApiHeader({ name: 'X-Occurred-At', required: false, description: 'Historical entry: when it happened (ISO 8601 with offset). Administrators only, unless LEDGER_ALLOW_BACKDATING is on. The event keeps its true recorded-at.' }),
  ApiHeader({ name: 'X-Correlation-Id', required: false, description: 'Recorded as the events\' correlation id and returned in the response header; a missing or malformed one (1–100 of [A-Za-z0-9._:~/-]) is replaced by a new UUID.' }),
];

/** OpenAPI for a command endpoint: summary, headers, success with an example, and the error responses. */
export function ApiCommand(docs: CommandDocs): MethodDecorator {
  const status = docs.created ? 201 : 200;
  return applyDecorators(
    ApiOperation({ summary: docs.summary, description: docs.description }),
    ApiBearerAuth(),
    ...COMMAND_HEADERS,
    ApiResponse({
      status,
      description: 'Accepted and recorded. `ETag` carries the record\'s new version; `Idempotent-Replayed: true` marks the first result of an earlier identical request.',
      type: docs.example ? undefined : CommandAcceptedDto,
      example: docs.example ?? { id: 't4-zh', streamId: 'task-t4-zh', version: 3, position: 57, eventIds: ['0c9c6d0e-2d1c-8a3e-9f5b-7e2f8d1a4b6c'], events: ['TaskAcknowledged'] },
      headers: { ETag: { description: 'The record\'s stream version, quoted.', schema: { type: 'string', example: '"3"' } } },
    }),
    ...errorResponses([...new Set([400, 401, 403, 409, ...(docs.errors ?? [])])].sort(), docs.codes ?? {}),
  );
}

export interface QueryDocs {
  readonly summary: string;
  readonly description?: string;
  readonly example: object;
  /** Error statuses besides 400, 401 and 403. */
  readonly errors?: readonly number[];
  readonly codes?: Readonly<Partial<Record<number, string>>>;
  /** The response carries an ETag (a single record). */
  readonly etag?: boolean;
}

export function ApiQuery(docs: QueryDocs): MethodDecorator {
  return applyDecorators(
    ApiOperation({ summary: docs.summary, description: docs.description }),
    ApiBearerAuth(),
    ApiResponse({
      status: 200,
      description: 'Read from the read models (never the log), limited to the caller\'s read scope.',
      example: docs.example,
      headers: docs.etag ? { ETag: { description: 'The record\'s stream version, for If-Match.', schema: { type: 'string', example: '"3"' } } } : undefined,
    }),
    ...errorResponses([...new Set([400, 401, 403, ...(docs.errors ?? [])])].sort(), docs.codes ?? {}),
  );
}

const PATH_PARAM_EXAMPLES: Readonly<Record<string, string>> = {
  unitId: 'zh',
  personId: 'p-zh-deputy-land',
  directiveId: 'd-2018-1',
  taskId: 't4-zh',
  requestId: 'ext-hn-1',
  signOffId: 'so-t4-zx-completion',
};

/**
 * Documents every `:param` of every route of the controller as a required path parameter with an example. A
 * class decorator runs after the method decorators, so the routes' paths are known by then.
 */
export function ApiPathParams(): ClassDecorator {
  return (target) => {
    const prototype = (target as unknown as { prototype: object }).prototype;
    for (const key of Object.getOwnPropertyNames(prototype)) {
      const descriptor = Object.getOwnPropertyDescriptor(prototype, key);
      if (key === 'constructor' || typeof descriptor?.value !== 'function') continue;
      const path = Reflect.getMetadata(PATH_METADATA, descriptor.value) as string | string[] | undefined;
      for (const [, name] of String(path ?? '').matchAll(/:(\w+)/g)) {
        ApiParam({ name, required: true, type: String, example: PATH_PARAM_EXAMPLES[name] })(prototype, key, descriptor);
      }
    }
  };
}
