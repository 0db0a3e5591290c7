import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { AppraisalsModule } from './appraisals/appraisals';
import { RuleSetsModule } from './rule-sets/rule-sets';
import { AuditModule } from './audit/audit.module';
import { CasesModule } from './cases/cases';
import { InspectionsModule } from './inspections/inspections.controller';
import { LettersModule } from './letters/letters.controller';
import { ObjectivesModule } from './objectives/objectives.controller';
import { AuditQueriesModule } from './audit-queries/audit-queries.module';
import { AuthModule } from './auth/auth.module';
import { BearerAuthGuard } from './auth/bearer-auth.guard';
import { DeadlinesModule } from './deadlines/deadlines.module';
import { DirectivesModule } from './directives/directives.module';
import { KeysModule } from './keys/keys.module';
import { LedgerStoreModule } from './infrastructure/ledger-store.module';
import { OperationsModule } from './operations/operations.module';
import { OrganisationModule } from './organisation/organisation.module';
import { ReportsModule } from './reports/reports.controller';
import { ReadModelStoreModule } from './read-models/read-model-store.module';
import { LedgerCoreModule } from './shared/ledger-core.module';
import { SignOffsModule } from './signoffs/signoffs.module';
import { TasksModule } from './tasks/tasks.module';
import { HttpErrorFilter } from './shared/http-error.filter';
import { ledgerValidationPipe } from './shared/validation.pipe';
import { WebModule } from './web/web.module';

@Module({
  imports: [
    LedgerStoreModule,
    AuthModule,
    LedgerCoreModule,
    ReadModelStoreModule.register('embedded'),
    OrganisationModule,
    DirectivesModule,
    TasksModule,
    SignOffsModule,
    LettersModule,
    ObjectivesModule,
    InspectionsModule,
    AppraisalsModule,
    RuleSetsModule,
    CasesModule,
    KeysModule,
    AuditQueriesModule,
    AuditModule,
    ReportsModule,
    DeadlinesModule.register('embedded'),
    OperationsModule.forApi(),
    WebModule,
  ],
  providers: [
    { provide: APP_PIPE, useFactory: ledgerValidationPipe },
    { provide: APP_FILTER, useClass: HttpErrorFilter },
    { provide: APP_GUARD, useClass: BearerAuthGuard },
  ],
})
export class AppModule {}
