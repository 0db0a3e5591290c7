import { Module } from '@nestjs/common';
import { QueryContext } from '../read-models/queries';
import { AUDIT_QUERIES_CONFIG, auditQueriesConfigFromEnv } from './audit-queries.config';
import { AuditQueriesController } from './audit-queries.controller';
import { AuditQueries } from './audit.queries';

const configuration = [{ provide: AUDIT_QUERIES_CONFIG, useFactory: () => auditQueriesConfigFromEnv() }];
const application = [QueryContext, AuditQueries];

/**
 * /v1/audit: who approved what, actor activity, timelines and records as of an instant. Each read is recorded by
 * AuditModule's `@AuditedRead` interceptor (global).
 */
@Module({
  controllers: [AuditQueriesController],
  providers: [...configuration, ...application],
})
export class AuditQueriesModule {}
