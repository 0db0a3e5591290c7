import { chmod, open, rm } from 'node:fs/promises';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SYSTEM_ACTOR_ID, type Actor } from '@ledger/domain';
import { WrongExpectedVersionError } from '@ledger/event-store';
import { newApiToken } from './api-token';
import { IdentityCommands } from './identity-commands.service';
import { IDENTITY_CONFIG, type IdentityConfig } from './identity.config';
import { IdentityIndex } from './identity.index';

export const FIRST_ADMINISTRATOR_ID = 'admin';

/**
 * First start on a ledger with no user: registers the administrator `admin` and issues its token through the same
 * decider and append path as every user, on the ledger's own account (actor `system`), then shows the token once:
 * on stdout, or in `LEDGER_BOOTSTRAP_TOKEN_FILE` (mode 0600). If a previous start stopped between the two appends,
 * the token is issued now. Once anyone holds a token, this does nothing: more users come from an administrator.
 */
@Injectable()
export class AdministratorBootstrap implements OnApplicationBootstrap {
  private readonly log = new Logger('FirstStart');

  constructor(
    private readonly index: IdentityIndex,
    private readonly commands: IdentityCommands,
    @Inject(IDENTITY_CONFIG) private readonly config: IdentityConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const existing = this.index.user(FIRST_ADMINISTRATOR_ID)?.state;
    const unfinished =
      existing?.status === 'active' && existing.registeredBy.id === SYSTEM_ACTOR_ID && existing.tokens.length === 0;
    if (this.index.userCount > 0 && !unfinished) return;

    const system: Actor = { id: SYSTEM_ACTOR_ID, role: 'administrator', unit: this.config.adminUnit };
    if (!existing) {
      await this.commands.execute(
        { type: 'RegisterUser', userId: FIRST_ADMINISTRATOR_ID, displayName: 'Administrator', role: 'administrator', unitId: this.config.adminUnit },
        // Two replicas starting together on an empty ledger register the administrator once.
        { actor: system, idempotencyKey: 'first-start-administrator', ifMatch: null, correlationId: null },
      );
    }
    const admin = this.index.user(FIRST_ADMINISTRATOR_ID);
    if (!admin || admin.state.tokens.length > 0) return; // another replica got there first
    const fresh = newApiToken();
    const file = this.config.bootstrapTokenFile;
    if (file) await writeSecretFile(file, `${fresh.token}\n`);
    try {
      await this.commands.execute(
        { type: 'IssueApiToken', userId: FIRST_ADMINISTRATOR_ID, tokenId: fresh.tokenId, secretSha256: fresh.secretSha256, label: 'first start', expiresAt: null },
        { actor: system, idempotencyKey: null, ifMatch: admin.version, correlationId: null },
      );
    } catch (error) {
      if (file) await rm(file, { force: true });
      if (error instanceof WrongExpectedVersionError) {
        this.log.log('another instance issued the administrator token at the same time; it shows that token');
        return;
      }
      throw error;
    }
    this.log.log(`first start: registered administrator '${FIRST_ADMINISTRATOR_ID}' of unit '${this.config.adminUnit}'`);
    if (file) process.stdout.write(`Administrator token written to ${file} (mode 0600, shown once)\n`);
    else process.stdout.write(`Administrator token (shown once): ${fresh.token}\n`);
  }
}

/** Creates or truncates `path` readable by its owner only, whatever the umask or the file's earlier mode. */
async function writeSecretFile(path: string, content: string): Promise<void> {
  const handle = await open(path, 'w', 0o600);
  try {
    await handle.chmod(0o600);
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await chmod(path, 0o600);
}
