import type { Actor } from '@ledger/domain';

/**
 * Who is calling, resolved from the bearer credential by the global guard and attached to the request. Commands
 * and event metadata take the actor from here, never from the request body.
 */
export interface AuthenticatedActor extends Actor {
  /** The credential used (API token id), for the audit trail. */
  readonly credentialId: string;
  readonly name: string;
}

/** Resolves a bearer token to an actor, or undefined when it is unknown, expired or revoked. */
export interface Authenticator {
  authenticate(bearerToken: string): Promise<AuthenticatedActor | undefined>;
}

export const AUTHENTICATOR = Symbol('AUTHENTICATOR');
