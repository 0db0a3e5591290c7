import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { STORE_CONFIG } from '../infrastructure/ledger-store.module';
import type { StoreConfig } from '@ledger/event-store';
import { KEY_CUSTODY_CONFIG, keyCustodyConfigFromEnv } from './key-custody.config';
import { KeysController } from './keys.controller';
import { ServerKeyVault } from './server-key-vault';
import { UserKeys } from './user-keys.service';

const infrastructure = [
  { provide: KEY_CUSTODY_CONFIG, inject: [STORE_CONFIG], useFactory: (store: StoreConfig) => keyCustodyConfigFromEnv(store.dataDir) },
  ServerKeyVault,
];

/**
 * Users' signing keys (/v1/users/{id}/keys) and the vault of the keys the ledger keeps for users. The vault is
 * exported for sign-offs, which sign with a server-kept key when the approver asks.
 */
@Module({
  imports: [AuthModule],
  controllers: [KeysController],
  providers: [...infrastructure, UserKeys],
  exports: [ServerKeyVault],
})
export class KeysModule {}
