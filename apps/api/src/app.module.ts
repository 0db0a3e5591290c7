import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { AuthModule } from './auth/auth.module';
import { BearerAuthGuard } from './auth/bearer-auth.guard';
import { HealthController } from './health/health.controller';
import { LedgerStoreModule } from './infrastructure/ledger-store.module';
import { HttpErrorFilter } from './shared/http-error.filter';
import { ledgerValidationPipe } from './shared/validation.pipe';

@Module({
  imports: [LedgerStoreModule, AuthModule],
  controllers: [HealthController],
  providers: [
    { provide: APP_PIPE, useFactory: ledgerValidationPipe },
    { provide: APP_FILTER, useClass: HttpErrorFilter },
    { provide: APP_GUARD, useClass: BearerAuthGuard },
  ],
})
export class AppModule {}
