import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { STORE_CONFIG } from '../infrastructure/ledger-store.module';
import { AuditTrail } from './audit-trail.service';
import { AuditedReadInterceptor } from './audited-read';
import { CHECKPOINT_CONFIG, checkpointConfigFor } from './checkpoint.config';
import { EvidenceController } from './evidence.controller';
import { EvidenceExport } from './evidence-export';
import { LedgerCheckpoints } from './ledger-checkpoints.service';
import { LogController } from './log.controller';
import { LogQueries } from './log.queries';

const infrastructure = [{ provide: CHECKPOINT_CONFIG, inject: [STORE_CONFIG], useFactory: checkpointConfigFor }, LedgerCheckpoints];
const application = [AuditTrail, LogQueries, EvidenceExport];

/**
 * Signed checkpoints, proofs, evidence export, and the record of who read audit data. Global so that any module
 * can inject `AuditTrail`, and so that `@AuditedRead` works on any controller (its interceptor is registered here).
 */
@Global()
@Module({
  controllers: [LogController, EvidenceController],
  providers: [...infrastructure, ...application, { provide: APP_INTERCEPTOR, useClass: AuditedReadInterceptor }],
  exports: [AuditTrail, LedgerCheckpoints],
})
export class AuditModule {}
