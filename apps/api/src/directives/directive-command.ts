import {
  directiveDecider,
  directiveStreamId,
  domainError,
  type DirectiveCommand,
  type DirectiveCommandType,
  type DirectiveEvent,
  type DirectiveState,
} from '@ledger/domain';
import type { Envelope, StreamCommand } from '../shared/command-runner';

/** A command on `directive-<id>`, judged against its issuer unit (AUTHORIZATION target `issuer-unit`). */
export function onDirective(
  directiveId: string,
  commandType: DirectiveCommandType,
  build: (state: DirectiveState, envelope: Envelope) => DirectiveCommand,
): StreamCommand<DirectiveState, DirectiveCommand, DirectiveEvent> {
  return {
    decider: directiveDecider,
    streamId: directiveStreamId(directiveId),
    aggregateId: directiveId,
    notFound: () => domainError('DIRECTIVE.NOT_FOUND', { directive: directiveId }),
    steps: [{ commandType, targetUnit: (state) => (state.status === 'none' ? null : state.issuer.unitId), build }],
  };
}
