import { EVENT_TYPES_BY_STREAM_KIND, isTaskEvent, isUnitEvent, TASK_EVENT_TYPES } from './event-types';
import { STREAM_KINDS } from './shared/streams';

describe('event types', () => {
  it('are unique across all streams, so a projection over the whole log can dispatch on type alone', () => {
    const all = Object.values(EVENT_TYPES_BY_STREAM_KIND).flat();
    expect(new Set(all).size).toBe(all.length);
    expect(Object.keys(EVENT_TYPES_BY_STREAM_KIND).sort()).toEqual([...STREAM_KINDS].sort());
  });

  it('are PascalCase past-tense names', () => {
    for (const type of Object.values(EVENT_TYPES_BY_STREAM_KIND).flat()) expect(type).toMatch(/^[A-Z][A-Za-z]+$/);
  });

  it('recognise events read back from the store', () => {
    const stored: { type: string; data: unknown } = { type: 'TaskClosed', data: {} };
    expect(isTaskEvent(stored)).toBe(true);
    expect(isUnitEvent(stored)).toBe(false);
    expect(TASK_EVENT_TYPES).toContain('DeadlinePassed');
  });
});
