import type { TrackEntry } from '../../src/app/result-view.ts';
import type { Track } from '../../src/catalog/track.ts';

/** A catalog track with no tags, caption or names unless given: tests say what matters to them. */
export const bareTrack = (id: string, extra: Partial<Track> = {}): Track => ({
  id,
  tags: { mood: [], genre: [], instrument: [] },
  caption: '',
  keywords: [],
  ...extra,
});

/** Result entry `i` (rank i + 1) of a page view, with Jamendo-style id and link; `over` changes any field. */
export function resultEntry(i: number, over: Partial<TrackEntry> = {}): TrackEntry {
  return {
    rank: i + 1,
    trackId: `track_${String(1000 + i).padStart(7, '0')}`,
    title: `Title ${i + 1}`,
    artist: 'Someone',
    url: `https://www.jamendo.com/track/${1000 + i}`,
    mood: ['calm'],
    genre: ['ambient'],
    instrument: ['piano'],
    durationSec: 200 + i,
    caption: `Caption of track ${i + 1}.`,
    score: 0.9 - i / 100,
    textScore: 0.8,
    audioScore: 0.9 - i / 100,
    ...over,
  };
}
