import { performance } from 'node:perf_hooks';
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { SYSTEM_ACTOR_ID } from '@ledger/domain';
import { Checkpointer, loadOrCreateCheckpointKey, type CheckpointConfig, type Clock, type LedgerStore } from '@ledger/event-store';
import { CLOCK, LEDGER_STORE } from '../infrastructure/ledger-store.module';
import { CHECKPOINT_CONFIG } from './checkpoint.config';

/**
 * The ledger's checkpointer in this process: loads (or on first start generates) the ledger's key, then looks every
 * `pollMs` whether a checkpoint is due (LEDGER_CHECKPOINT_EVERY_EVENTS / _SECONDS) and signs it into the log. The
 * period is measured on the monotonic clock, so moving the ledger's clock (imports, tests) does not fire
 * checkpoints; `signedAt` comes from the ledger's clock like every `recordedAt`. Nothing here logs key material.
 */
@Injectable()
export class LedgerCheckpoints implements OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger('Checkpoints');
  private instance: Checkpointer | undefined;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<unknown> | undefined;
  private lastError: string | undefined;

  constructor(
    @Inject(LEDGER_STORE) private readonly store: LedgerStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CHECKPOINT_CONFIG) private readonly config: CheckpointConfig & { adminUnit: string },
  ) {}

  async onModuleInit(): Promise<void> {
    const { key, created, path, warnings } = await loadOrCreateCheckpointKey(this.config);
    for (const warning of warnings) this.log.warn(warning);
    if (created) this.log.log(`generated the ledger's checkpoint key in ${path} (mode 0600); back it up`);
    this.instance = new Checkpointer({
      store: this.store,
      key,
      origin: this.config.origin,
      clock: this.clock,
      everyEvents: this.config.everyEvents,
      everySeconds: this.config.everySeconds,
      monotonicMs: () => performance.now(),
      actor: { actorId: SYSTEM_ACTOR_ID, actorRole: 'administrator', actorUnit: this.config.adminUnit },
    });
    this.log.log(`checkpoints of ${this.config.origin} signed by key ${key.keyId}`);
    this.timer = setInterval(() => {
      this.ticking ??= this.tick().finally(() => {
        this.ticking = undefined;
      });
    }, this.config.pollMs);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.ticking;
  }

  get checkpointer(): Checkpointer {
    if (!this.instance) throw new Error('checkpoints are not initialised');
    return this.instance;
  }

  private async tick(): Promise<void> {
    try {
      const signed = await this.checkpointer.tick();
      if (signed) this.log.debug?.(`signed checkpoint of size ${signed.size}`);
      this.lastError = undefined;
    } catch (error) {
      // Said once per distinct problem, not every poll (a key that is not the ledger's stays so until fixed).
      const message = `${(error as { code?: string }).code ?? 'ERROR'}: ${(error as Error).message}`;
      if (message !== this.lastError) this.log.error(`cannot sign a checkpoint: ${message}`);
      this.lastError = message;
    }
  }
}
