import { createHash, timingSafeEqual } from 'node:crypto';
import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../auth/current-actor.decorator';
import { ApiError } from '../shared/api-error';
import { LedgerMetrics } from './ledger-metrics';
import { OPERATIONS_CONFIG, type OperationsConfig } from './operations.config';

/** 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6 addresses. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4 === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

function sameSecret(given: string, expected: string): boolean {
  // Equal-length digests, so the comparison takes the same time whatever the guess.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * Prometheus exposition at `/metrics`. With LEDGER_METRICS_TOKEN set, a scraper sends `Authorization: Bearer
 * <token>` (a ledger API token is not accepted here, nor this token there); without it, only loopback callers get
 * the metrics, so an API bound to 0.0.0.0 does not publish them to the network by accident.
 */
@ApiExcludeController()
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: LedgerMetrics,
    @Inject(OPERATIONS_CONFIG) private readonly config: OperationsConfig,
  ) {}

  @Get()
  async scrape(@Req() req: FastifyRequest, @Res({ passthrough: true }) res: FastifyReply): Promise<string> {
    this.authorize(req, res);
    const { contentType, body } = await this.metrics.exposition();
    res.type(contentType);
    res.header('Cache-Control', 'no-store');
    return body;
  }

  private authorize(req: FastifyRequest, res: FastifyReply): void {
    const token = this.config.metricsToken;
    if (token === undefined) {
      if (isLoopback(req.socket.remoteAddress)) return;
      throw new ApiError(403, 'METRICS.LOOPBACK_ONLY', 'metrics are served to loopback callers only; set LEDGER_METRICS_TOKEN to let a scraper in');
    }
    const match = /^Bearer (\S{1,512})$/.exec(req.headers.authorization?.trim() ?? '');
    if (match && sameSecret(match[1], token)) return;
    res.header('WWW-Authenticate', 'Bearer realm="ledger-metrics"');
    throw new ApiError(401, 'METRICS.UNAUTHENTICATED', 'metrics need Authorization: Bearer <LEDGER_METRICS_TOKEN>');
  }
}
