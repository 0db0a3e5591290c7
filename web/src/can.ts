import { isAuthorized, type CommandType } from '@ledger/domain/authorization/permissions';
import type { Role } from '@ledger/domain/shared/roles';
import type { Session } from './ui';

/**
 * Whether the signed-in user may run a command on a unit: the domain's own AUTHORIZATION table and scope rules
 * over the organisation as the API serves it, so the UI hides what the server would refuse with 403. The server
 * still decides; the deciders' own rules (state, segregation of duties) show as the server's errors.
 */
export function can(session: Session, command: CommandType, targetUnitId: string | null): boolean {
  return isAuthorized(command, { id: session.me.id, role: session.me.role as Role, unit: session.me.unit }, targetUnitId, session.org);
}
