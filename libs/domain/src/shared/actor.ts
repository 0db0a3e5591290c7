import type { Role } from './roles';

/**
 * The authenticated actor, taken by the application from the credential (never from a request body) and put into
 * every command, because decisions such as segregation of duties depend on who is acting.
 */
export type Actor = {
  readonly id: string;
  readonly role: Role;
  /** The unit the actor's credential belongs to. */
  readonly unit: string;
};

/** The actor as recorded in event data (`by`): a plain JSON copy of the command's actor. */
export type ActorRef = { id: string; role: Role; unit: string };

export function actorRef(actor: Actor): ActorRef {
  return { id: actor.id, role: actor.role, unit: actor.unit };
}

/** What every command carries besides its own fields. */
export type CommandEnvelope = {
  /** When the command takes effect: an ISO 8601 instant with its offset (see `dates.ts` for how a day is read). */
  readonly now: string;
  readonly actor: Actor;
};
