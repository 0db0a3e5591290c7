import { ValidationPipe } from '@nestjs/common';
import { fieldFailures, RequestValidationError } from './validation-errors';

/**
 * Whitelisted, unknown fields forbidden, types transformed; failures become `{code: 'REQUEST.VALIDATION', message,
 * fields: [{field, reason, code, params}]}` (400), one stable code per failed check, worded in the caller's language.
 */
export function ledgerValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    // The target (to read each decorator's arguments) and the value (to tell a missing field) never reach the response.
    validationError: { target: true, value: true },
    exceptionFactory: (errors) => new RequestValidationError(fieldFailures(errors)),
  });
}
