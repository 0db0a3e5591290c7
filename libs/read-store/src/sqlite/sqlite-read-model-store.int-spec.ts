import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReadModelStore } from '../port';
import { readModelStoreContract } from '../testing/read-model-store.contract';
import { SqliteReadModelStore } from './sqlite-read-model-store';

const LEASE_MS = 5000;

readModelStoreContract('SQLite file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-read-store-'));
  // One clock for every connection: losing a lease is time passing beyond it, for everyone.
  let skew = 0;
  const now = () => Date.now() + skew;
  return {
    open: async () => new SqliteReadModelStore({ path: join(dir, 'readmodels.sqlite'), leaseMs: LEASE_MS, synchronous: 'NORMAL', now }),
    loseLeases: async () => {
      skew += LEASE_MS + 1;
    },
    tamper: async (store: ReadModelStore, projection, collection, key, doc) => {
      (store as SqliteReadModelStore).rawDatabase().prepare('UPDATE projection_document SET doc = ? WHERE projection = ? AND collection = ? AND doc_key = ?').run(doc, projection, collection, key);
    },
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});
