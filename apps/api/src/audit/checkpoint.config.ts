import { checkpointConfigFromEnv, type CheckpointConfig, type StoreConfig } from '@ledger/event-store';

export const CHECKPOINT_CONFIG = Symbol('CHECKPOINT_CONFIG');

/** LEDGER_ORIGIN, LEDGER_CHECKPOINT_* (see the README), with the key under the store's data directory by default. */
export function checkpointConfigFor(store: StoreConfig, env: NodeJS.ProcessEnv = process.env): CheckpointConfig & { readonly adminUnit: string } {
  return { ...checkpointConfigFromEnv(env, store.dataDir), adminUnit: env.LEDGER_ADMIN_UNIT || 'root' };
}
