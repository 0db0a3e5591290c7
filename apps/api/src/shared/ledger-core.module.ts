import { Global, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ReadModelsService } from '../read-models/read-models.service';
import { API_CONFIG, apiConfigFromEnv } from './api-config';
import { CommandRunner } from './command-runner';
import { IdGenerator } from './id-generator';
import { LedgerTime } from './ledger-time';

const coreProviders = [
  { provide: API_CONFIG, useFactory: apiConfigFromEnv },
  LedgerTime,
  IdGenerator,
  ReadModelsService,
  CommandRunner,
];

/**
 * What every use case needs, in the API and in the projector alike: configuration, the jurisdiction's time, the
 * in-process read models, the command loop, and the command bus. Needs `LedgerStoreModule` (store and clock).
 */
@Global()
@Module({
  imports: [CqrsModule.forRoot()],
  providers: coreProviders,
  exports: [CqrsModule, API_CONFIG, LedgerTime, IdGenerator, ReadModelsService, CommandRunner],
})
export class LedgerCoreModule {}
