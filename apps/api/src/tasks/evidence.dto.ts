import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, Matches } from 'class-validator';

/** SHA-256 hashes (lower-case hex) of evidence files kept outside the log. */
export function EvidenceHashes(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ type: [String], example: ['9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'], description: 'SHA-256 of each evidence file (the files live outside the log).' }),
    IsOptional(),
    IsArray(),
    ArrayMaxSize(100),
    Matches(/^[0-9a-f]{64}$/, { each: true, message: 'each of $property must be a SHA-256 in lower-case hex' }),
  );
}
