import { Global, Module } from '@nestjs/common';
import { STORE_CONFIG } from '../infrastructure/ledger-store.module';
import { AuditTrail } from './audit-trail.service';
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
 * can inject `AuditTrail`, which the interceptor `@AuditedRead` puts on a route writes to.
 */
@Global()
@Module({
  controllers: [LogController, EvidenceController],
  providers: [...infrastructure, ...application],
  exports: [AuditTrail, LedgerCheckpoints],
})
export class AuditModule {}
