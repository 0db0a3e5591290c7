import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/current-actor.decorator';

@ApiTags('operations')
@Public()
@Controller()
export class IndexController {
  @Get()
  @ApiOkResponse({ description: 'What this service is and where to go next.' })
  index() {
    return { service: 'accountability-ledger', docs: '/docs', health: '/health' };
  }
}
