import { Injectable } from '@nestjs/common';
import { domainError, type Actor } from '@ledger/domain';
import { IdentityIndex, type IndexedUser } from '../identity.index';

/** Reads of the users read model (the identity index): administrators and auditors see everyone, others themselves. */
@Injectable()
export class UserQueries {
  constructor(private readonly index: IdentityIndex) {}

  list(actor: Actor): IndexedUser[] {
    requireReader(actor, 'ListUsers');
    return this.index.users();
  }

  get(actor: Actor, userId: string): IndexedUser {
    if (actor.id !== userId) requireReader(actor, 'ReadUser');
    const user = this.index.user(userId);
    if (!user) throw domainError('USER.NOT_FOUND', { user: userId });
    return user;
  }
}

function requireReader(actor: Actor, query: string): void {
  if (actor.role !== 'administrator' && actor.role !== 'auditor') {
    throw domainError('AUTH.ROLE_NOT_ALLOWED', { role: actor.role, command: query });
  }
}
