import { LogWindow, type WindowEntry } from './log-window';

function entries(from: number, streamId: string, firstVersion: number, commandId: string, count: number): WindowEntry[] {
  return Array.from({ length: count }, (_, i) => ({
    position: from + i,
    eventId: `${commandId}-${i}`,
    streamId,
    streamVersion: firstVersion + i,
    commandId,
    eventIndex: i,
    eventCount: count,
  }));
}

describe('the writer’s window of recent log entries', () => {
  let w: LogWindow;
  beforeEach(() => {
    w = new LogWindow();
    // task-1 versions 4..5 (command a), task-2 version 1 (command b), task-1 version 6 (command c)
    for (const e of [...entries(11, 'task-1', 4, 'a', 2), ...entries(13, 'task-2', 1, 'b', 1), ...entries(14, 'task-1', 6, 'c', 1)]) w.add(e);
  });

  it('answers a stream’s version as of its last entry, and nothing for streams it has not seen', () => {
    expect(w.streamVersion('task-1')).toBe(6);
    expect(w.streamVersion('task-2')).toBe(1);
    expect(w.streamVersion('task-3')).toBeUndefined();
  });

  it('answers a command’s first result only when all of its entries are in', () => {
    expect(w.firstAppend('a')).toEqual({
      streamId: 'task-1',
      result: { streamId: 'task-1', streamVersion: 5, firstPosition: 11, lastPosition: 12, eventIds: ['a-0', 'a-1'], duplicate: true },
    });
    const partial = new LogWindow();
    partial.add(entries(20, 'task-9', 1, 'd', 3)[0]);
    expect(partial.firstAppend('d')).toBeUndefined();
    expect(partial.atAppendBoundary()).toBe(false);
    expect(w.atAppendBoundary()).toBe(true);
  });

  it('refuses entries that are not consecutive', () => {
    expect(() => w.add(entries(16, 'task-1', 7, 'e', 1)[0])).toThrow(/consecutive/);
  });

  describe('when links are written', () => {
    it('lists what each stream still lacks, from its first entry in the window', () => {
      expect(w.streamsToLink()).toEqual(['task-1', 'task-2']);
      expect(w.unlinked('task-1').map((e) => e.streamVersion)).toEqual([4, 5, 6]);
      w.markLinked('task-1', 5);
      expect(w.unlinked('task-1').map((e) => e.streamVersion)).toEqual([6]);
      w.markLinked('task-1', 9);
      w.markLinked('task-1', 2);
      expect(w.hasUnlinked('task-1')).toBe(false);
      expect(w.streamsToLink()).toEqual(['task-2']);
    });

    it('lists the commands whose index record is missing', () => {
      w.markIndexed('b');
      expect(w.commandsToIndex().map((c) => c.commandId)).toEqual(['a', 'c']);
    });
  });

  it('hands over versions and first results when drained, and is empty after', () => {
    const { versions, commands } = w.drain();
    expect([...versions]).toEqual([
      ['task-1', 6],
      ['task-2', 1],
    ]);
    expect([...commands.keys()]).toEqual(['a', 'b', 'c']);
    expect(w.size).toBe(0);
    expect(w.streamVersion('task-1')).toBeUndefined();
    w.add(entries(100, 'task-1', 7, 'f', 1)[0]);
    expect(w.unlinked('task-1').map((e) => e.streamVersion)).toEqual([7]);
  });
});
