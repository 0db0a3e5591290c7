import { Module } from '@nestjs/common';
import { HealthController } from './health/health.controller';
import { LedgerStoreModule } from './infrastructure/ledger-store.module';

@Module({
  imports: [LedgerStoreModule],
  controllers: [HealthController],
})
export class AppModule {}
