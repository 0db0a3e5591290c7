import { Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { HealthController } from './health/health.controller';
import { LedgerStoreModule } from './infrastructure/ledger-store.module';
import { HttpErrorFilter } from './shared/http-error.filter';
import { ledgerValidationPipe } from './shared/validation.pipe';

@Module({
  imports: [LedgerStoreModule],
  controllers: [HealthController],
  providers: [
    { provide: APP_PIPE, useFactory: ledgerValidationPipe },
    { provide: APP_FILTER, useClass: HttpErrorFilter },
  ],
})
export class AppModule {}
