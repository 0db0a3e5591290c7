import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { LedgerStore } from '@ledger/event-store';
import { Public } from '../auth/current-actor.decorator';
import { LEDGER_STORE } from '../infrastructure/ledger-store.module';

@ApiTags('operations')
@Public()
@Controller()
export class HealthController {
  constructor(@Inject(LEDGER_STORE) private readonly store: LedgerStore) {}

  @Get()
  @ApiOkResponse({ description: 'What this service is and where to go next.' })
  index() {
    return { service: 'accountability-ledger', docs: '/docs', health: '/health' };
  }

  @Get('health')
  @ApiOkResponse({ description: 'The store is reachable; the head position of the log.', schema: { example: { status: 'ok', store: 'sqlite', head: 42 } } })
  async health() {
    return { status: 'ok', store: this.store.kind, head: await this.store.headPosition() };
  }
}
