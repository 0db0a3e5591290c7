import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { ID_PATTERN } from '@ledger/domain';

/**
 * Field decorators shared by the request DTOs: the shape checks the API does before the domain (which checks
 * again, as the last line). Each one also documents the field for the OpenAPI document.
 */
const DATE = /^\d{4}-\d{2}-\d{2}$/;
export const DATE_MESSAGE = '$property must be a date YYYY-MM-DD';

type Doc = { example?: unknown; description?: string };

export function EntityId(doc: Doc = {}, optional = false): PropertyDecorator {
  return applyDecorators(
    optional ? ApiPropertyOptional({ type: String, pattern: ID_PATTERN.source, ...doc }) : ApiProperty({ type: String, pattern: ID_PATTERN.source, ...doc }),
    ...(optional ? [IsOptional()] : []),
    IsString(),
    Matches(ID_PATTERN, { message: '$property must be an id of lower-case letters, digits and inner hyphens (at most 64)' }),
  );
}

export function EntityIdList(doc: Doc = {}, optional = false): PropertyDecorator {
  return applyDecorators(
    optional ? ApiPropertyOptional({ type: [String], ...doc }) : ApiProperty({ type: [String], ...doc }),
    ...(optional ? [IsOptional()] : []),
    IsArray(),
    ArrayMaxSize(200),
    IsString({ each: true }),
    Matches(ID_PATTERN, { each: true, message: 'each of $property must be an id of lower-case letters, digits and inner hyphens' }),
  );
}

export function CalendarDate(doc: Doc = {}, optional = false): PropertyDecorator {
  return applyDecorators(
    optional ? ApiPropertyOptional({ type: String, format: 'date', ...doc }) : ApiProperty({ type: String, format: 'date', ...doc }),
    ...(optional ? [IsOptional()] : []),
    IsString(),
    Matches(DATE, { message: DATE_MESSAGE }),
  );
}

export function Text(max: number, doc: Doc = {}, optional = false): PropertyDecorator {
  return applyDecorators(
    optional ? ApiPropertyOptional({ type: String, maxLength: max, ...doc }) : ApiProperty({ type: String, maxLength: max, ...doc }),
    ...(optional ? [IsOptional()] : [MinLength(1)]),
    IsString(),
    MaxLength(max),
  );
}

/** A person id from the identity provider (any non-blank text). */
export function PersonId(doc: Doc = {}): PropertyDecorator {
  return applyDecorators(ApiProperty({ type: String, maxLength: 200, ...doc }), IsString(), MinLength(1), MaxLength(200));
}
