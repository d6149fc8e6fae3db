import type { TrackEntry } from './result-view.ts';

/**
 * The play queue of one voice session, as a pure state machine: a result list played in rank
 * order, what happened to it lately (skips, a replacement, a stop) and where it stands. The voice
 * player (discord/voice/) drives it; the now-playing message renders it. No clocks, no I/O.
 */

/** What the queue keeps of a result: enough to find its audio and to credit it. */
export type QueueTrack = Pick<TrackEntry, 'rank' | 'trackId' | 'title' | 'artist' | 'url' | 'license' | 'licenseUrl'>;

/** Why a track was passed over without being played to its end. */
export type Unplayable = 'no-audio' | 'not-decodable' | 'cut-short' | 'gone';

export type QueueNote =
  | { kind: 'replaced'; by: string; previousBy: string }
  | { kind: 'skipped'; by: string; track: QueueTrack }
  | { kind: 'unplayable'; why: Unplayable; track: QueueTrack }
  | { kind: 'stopped'; by: string };

export interface PlayQueue {
  readonly tracks: readonly QueueTrack[];
  /** The track playing (or being started); `tracks.length` once the list has been played. */
  readonly position: number;
  /** Who asked for this list. */
  readonly requestedBy: string;
  /** playing: a track is (about to be) on; finished: the list ran out; stopped: somebody pressed Stop. */
  readonly status: 'playing' | 'finished' | 'stopped';
  /** What happened lately, oldest first, at most NOTES_KEPT. */
  readonly notes: readonly QueueNote[];
}

/** Notes the now-playing message keeps: enough to explain the last few changes, never a log. */
export const NOTES_KEPT = 4;

const withNote = (notes: readonly QueueNote[], note: QueueNote): QueueNote[] => [...notes, note].slice(-NOTES_KEPT);

/** The entries of a result list as queue tracks, in rank order (stable for equal ranks). */
export function queueTracks(entries: readonly TrackEntry[]): QueueTrack[] {
  return [...entries]
    .sort((a, b) => a.rank - b.rank)
    .map((e) => ({
      rank: e.rank,
      trackId: e.trackId,
      ...(e.title !== undefined ? { title: e.title } : {}),
      ...(e.artist !== undefined ? { artist: e.artist } : {}),
      ...(e.url !== undefined ? { url: e.url } : {}),
      ...(e.license !== undefined ? { license: e.license } : {}),
      ...(e.licenseUrl !== undefined ? { licenseUrl: e.licenseUrl } : {}),
    }));
}

/**
 * A new list, starting at its first track. When it takes the place of a list still playing, it
 * says so (and whose list it replaced); an empty list is finished at once.
 */
export function startQueue(tracks: readonly QueueTrack[], by: string, previous?: PlayQueue): PlayQueue {
  const replacing = previous?.status === 'playing';
  return {
    tracks,
    position: 0,
    requestedBy: by,
    status: tracks.length ? 'playing' : 'finished',
    notes: replacing ? [{ kind: 'replaced', by, previousBy: previous.requestedBy }] : [],
  };
}

export function currentTrack(q: PlayQueue): QueueTrack | undefined {
  return q.status === 'playing' ? q.tracks[q.position] : undefined;
}

/** The tracks after the current one, at most `n`. */
export function upNext(q: PlayQueue, n: number): QueueTrack[] {
  return q.status === 'playing' ? q.tracks.slice(q.position + 1, q.position + 1 + Math.max(0, n)) : [];
}

function advance(q: PlayQueue, notes: readonly QueueNote[]): PlayQueue {
  const position = Math.min(q.tracks.length, q.position + 1);
  return { ...q, position, status: position >= q.tracks.length ? 'finished' : 'playing', notes };
}

/** The current track played to its end: on to the next one (or finished). Unchanged unless playing. */
export function trackEnded(q: PlayQueue): PlayQueue {
  return q.status === 'playing' ? advance(q, q.notes) : q;
}

/** The current track could not be played (or not to its end): noted, and on to the next one. */
export function trackUnplayable(q: PlayQueue, why: Unplayable): PlayQueue {
  const track = currentTrack(q);
  return track ? advance(q, withNote(q.notes, { kind: 'unplayable', why, track })) : q;
}

/** ⏭ Skip by `by`: noted, and on to the next one. Unchanged when nothing plays. */
export function skipTrack(q: PlayQueue, by: string): PlayQueue {
  const track = currentTrack(q);
  return track ? advance(q, withNote(q.notes, { kind: 'skipped', by, track })) : q;
}

/** ⏹ Stop by `by`: the rest of the list is dropped. Unchanged when nothing plays. */
export function stopQueue(q: PlayQueue, by: string): PlayQueue {
  return q.status === 'playing' ? { ...q, status: 'stopped', notes: withNote(q.notes, { kind: 'stopped', by }) } : q;
}
