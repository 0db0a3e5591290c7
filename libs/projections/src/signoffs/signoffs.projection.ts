import { List, Map as IMap } from 'immutable';
import type { RecordedEvent } from '@ledger/event-store';
import { isSignOffEvent, SIGN_OFF_EVENT_TYPES, type SignOffRecorded } from '@ledger/domain';
import { traceOf, type EventTrace, type Projection } from '../projection';

/** phê duyệt / 签批: who approved or rejected what (the record and the hash of exactly what they saw), when. */
export type SignOffView = SignOffRecorded['data'] & { readonly version: number; readonly recorded: EventTrace };

export type SignOffsModel = {
  readonly signOffs: IMap<string, SignOffView>;
  /** Sign-off ids by the stream they name, in the order recorded. */
  readonly byStream: IMap<string, List<string>>;
};

export const SignOffsProjection: Projection<SignOffsModel> = {
  name: 'signoffs',
  eventTypes: new Set(SIGN_OFF_EVENT_TYPES),
  initialState: () => ({ signOffs: IMap(), byStream: IMap() }),
  evolve: (model, event: RecordedEvent) => {
    if (!isSignOffEvent(event)) return model;
    const data = event.data as unknown as SignOffRecorded['data'];
    const view: SignOffView = { ...data, version: event.streamVersion, recorded: traceOf(event) };
    const key = data.record.type === 'stream-version' ? data.record.streamId : `${data.record.kind}-${data.record.id}`;
    return {
      signOffs: model.signOffs.set(data.signOffId, view),
      byStream: model.byStream.update(key, List<string>(), (ids) => ids.push(data.signOffId)),
    };
  },
};
