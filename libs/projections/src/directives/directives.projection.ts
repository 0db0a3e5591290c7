import { Map as IMap } from 'immutable';
import type { RecordedEvent } from '@ledger/event-store';
import {
  directiveDecider,
  DIRECTIVE_EVENT_TYPES,
  isDirectiveEvent,
  type DirectiveEvent,
  type DirectiveRecord,
  type DirectiveState,
} from '@ledger/domain';
import { domainEventOf, traceOf, type EventTrace, type Projection } from '../projection';

export type DirectiveView = {
  readonly directiveId: string;
  readonly version: number;
  readonly record: DirectiveRecord;
  readonly issued: EventTrace;
  readonly lastEvent: EventTrace;
};

export type DirectivesModel = { readonly directives: IMap<string, DirectiveView> };

/** The directive stream's view from its own events only. */
export function evolveDirectiveView(view: DirectiveView | undefined, event: RecordedEvent): DirectiveView | undefined {
  if (!isDirectiveEvent(event)) return view;
  const before: DirectiveState = view ? view.record : directiveDecider.initialState();
  const after = directiveDecider.evolve(before, domainEventOf<DirectiveEvent>(event));
  if (after.status === 'none') return view;
  const trace = traceOf(event);
  return { directiveId: after.directiveId, version: event.streamVersion, record: after, issued: view?.issued ?? trace, lastEvent: trace };
}

export const DirectivesProjection: Projection<DirectivesModel> = {
  name: 'directives',
  eventTypes: new Set(DIRECTIVE_EVENT_TYPES),
  initialState: () => ({ directives: IMap() }),
  evolve: (model, event) => {
    const { directiveId } = event.data as { directiveId: string };
    const view = evolveDirectiveView(model.directives.get(directiveId), event);
    return view === undefined ? model : { directives: model.directives.set(directiveId, view) };
  },
};
