import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import { Option, type Command } from 'commander';
import {
  API_TOKEN_SECRET_BYTES,
  formatApiToken,
  hashApiTokenSecret,
  isTokenUsable,
  isUserEvent,
  ROLES,
  userDecider,
  userStreamId,
  type Actor,
  type Role,
  type UserCommand,
  type UserEvent,
  type UserState,
} from '@ledger/domain';
import { systemClock, type LedgerStore, type RecordedEvent } from '@ledger/event-store';
import { decideAndAppend } from './decide-and-append';

type WithStore = <T>(fn: (store: LedgerStore) => Promise<T>) => Promise<T>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type UserCommandInput = DistributiveOmit<UserCommand, 'now' | 'actor'>;

/**
 * `ledger user ...`: users and API tokens, straight into the store. Whoever can run the CLI can open the store,
 * so the CLI acts as a local administrator: actor `cli:<os user>`, role administrator, unit `LEDGER_ADMIN_UNIT`
 * (default `root`), recorded as such in every event. Tokens go to stdout alone (one line, shown once), so a
 * script can capture them; everything else goes to stderr.
 */
export function registerUserCommands(program: Command, withStore: WithStore): void {
  const user = program.command('user').description('users and their API tokens (the CLI acts as a local administrator)');
  const role = () => new Option('--role <role>', 'role').choices(ROLES).makeOptionMandatory();
  const expiry = () => new Option('--expires-at <instant>', 'when the token stops working (ISO 8601 with offset); default: never');

  user
    .command('add')
    .description('register a user and print their first token (shown once)')
    .requiredOption('--id <id>', 'user id: lower-case letters, digits, inner hyphens')
    .requiredOption('--name <name>', 'display name')
    .addOption(role())
    .requiredOption('--unit <unit>', 'the unit the user acts for')
    .option('--label <label>', 'what the token is for')
    .addOption(expiry())
    .action(async (opts: { id: string; name: string; role: Role; unit: string; label?: string; expiresAt?: string }) => {
      await withStore(async (store) => {
        await execute(store, { type: 'RegisterUser', userId: opts.id, displayName: opts.name, role: opts.role, unitId: opts.unit });
        process.stderr.write(`registered ${opts.id} (${opts.role}, unit ${opts.unit})\n`);
        await issueToken(store, opts.id, opts);
      });
    });

  user
    .command('token')
    .description('issue another token for a user and print it (shown once)')
    .argument('<id>', 'user id')
    .option('--label <label>', 'what the token is for')
    .addOption(expiry())
    .action(async (id: string, opts: { label?: string; expiresAt?: string }) => {
      await withStore((store) => issueToken(store, id, opts));
    });

  user
    .command('revoke')
    .description('revoke a token: it is refused from now on')
    .argument('<id>', 'user id')
    .argument('<tokenId>', 'token id (the part after lgr_, before the next _)')
    .option('--reason <reason>', 'why', 'revoked by the operator with the ledger CLI')
    .action(async (id: string, tokenId: string, opts: { reason: string }) => {
      await withStore((store) => execute(store, { type: 'RevokeApiToken', userId: id, tokenId, reason: opts.reason }));
      process.stderr.write(`revoked token ${tokenId} of ${id}\n`);
    });

  user
    .command('role')
    .description("change a user's role or unit")
    .argument('<id>', 'user id')
    .addOption(role())
    .requiredOption('--unit <unit>', 'the unit the user acts for')
    .requiredOption('--reason <reason>', 'why (for example the appointment decision)')
    .action(async (id: string, opts: { role: Role; unit: string; reason: string }) => {
      await withStore((store) => execute(store, { type: 'ChangeUserRole', userId: id, role: opts.role, unitId: opts.unit, reason: opts.reason }));
      process.stderr.write(`${id} is now ${opts.role} of unit ${opts.unit}\n`);
    });

  user
    .command('deactivate')
    .description('deactivate a user: every token of theirs is refused from now on')
    .argument('<id>', 'user id')
    .requiredOption('--reason <reason>', 'why')
    .action(async (id: string, opts: { reason: string }) => {
      await withStore((store) => execute(store, { type: 'DeactivateUser', userId: id, reason: opts.reason }));
      process.stderr.write(`deactivated ${id}\n`);
    });

  user
    .command('list')
    .description('every user, with role, unit, status and usable tokens')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const users = await withStore(readUsers);
      const now = systemClock.now().toISOString();
      const rows = users.map((u) => ({
        id: u.userId,
        name: u.displayName,
        role: u.role,
        unit: u.unitId,
        status: u.status,
        usableTokens: u.tokens.filter((t) => isTokenUsable(u, t, now)).map((t) => t.tokenId),
      }));
      if (opts.json) {
        console.log(JSON.stringify(rows, null, 2));
        return;
      }
      for (const r of rows) {
        console.log([r.id, r.role, r.unit, r.status, `${r.usableTokens.length} usable token(s)`, r.name].join('\t'));
      }
    });
}

/** The local administrator the CLI records as the actor. */
export function cliActor(env: NodeJS.ProcessEnv = process.env): Actor {
  let name: string;
  try {
    name = userInfo().username;
  } catch {
    name = env.USER ?? String(process.getuid?.() ?? 'unknown');
  }
  return { id: `cli:${name}`, role: 'administrator', unit: env.LEDGER_ADMIN_UNIT || 'root' };
}

/** Read the user's stream, fold, decide, append with the version read: the API's loop, without HTTP. */
async function execute(store: LedgerStore, input: UserCommandInput): Promise<void> {
  const streamId = userStreamId(input.userId);
  const actor = cliActor();
  await decideAndAppend(store, streamId, userDecider, ({ now }) => ({ ...input, now, actor }) as UserCommand, (recorded) => recorded.flatMap(asUserEvent), actor);
}

async function issueToken(store: LedgerStore, userId: string, opts: { label?: string; expiresAt?: string }): Promise<void> {
  const tokenId = randomBytes(12).toString('hex');
  const secret = randomBytes(API_TOKEN_SECRET_BYTES).toString('base64url');
  await execute(store, {
    type: 'IssueApiToken',
    userId,
    tokenId,
    secretSha256: hashApiTokenSecret(secret),
    label: opts.label ?? null,
    expiresAt: opts.expiresAt ?? null,
  });
  process.stderr.write(`token ${tokenId} for ${userId} (shown once, only its hash is kept):\n`);
  process.stdout.write(`${formatApiToken(tokenId, secret)}\n`);
}

/** Every user, folded from the `user-` streams of the whole log. */
async function readUsers(store: LedgerStore): Promise<Array<Exclude<UserState, { status: 'none' }>>> {
  const users = new Map<string, UserState>();
  for (let from = 1; ; ) {
    const page = await store.readAll({ fromPosition: from, limit: 1000 });
    for (const event of page) {
      if (!event.streamId.startsWith('user-')) continue;
      for (const userEvent of asUserEvent(event)) {
        const id = userEvent.data.userId;
        users.set(id, userDecider.evolve(users.get(id) ?? userDecider.initialState(), userEvent));
      }
    }
    if (page.length < 1000) break;
    from = page[page.length - 1].position + 1;
  }
  return [...users.values()]
    .filter((u): u is Exclude<UserState, { status: 'none' }> => u.status !== 'none')
    .sort((a, b) => (a.userId < b.userId ? -1 : 1));
}

function asUserEvent(event: RecordedEvent): UserEvent[] {
  return isUserEvent(event) ? [{ type: event.type, data: event.data } as UserEvent] : [];
}
