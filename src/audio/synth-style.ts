import type { TrackTags } from '../catalog/track.ts';
import { randomFromSeed } from '../util/prng.ts';

/**
 * How a demo track should sound, read from its tags (pure). Tags decide the audible character
 * — tempo, loudness, mode, instruments — and the seed only varies the details (key, chords,
 * exact tempo), so two tracks with the same tags sound related but not identical.
 */

export type VoiceKind = 'piano' | 'pad' | 'pluck' | 'bass' | 'drums' | 'lead' | 'saw' | 'bell' | 'organ';

export interface SynthStyle {
  bpm: number;
  /** Target peak of the final mix (0..1): calm is quiet, energetic is loud. */
  peak: number;
  minor: boolean;
  /** MIDI note of the key's root in the middle register. */
  rootMidi: number;
  /** Scale degrees (0-based) of one chord per bar, cycled. */
  progression: number[];
  voices: VoiceKind[];
  /** Kick on every beat (dance music) rather than beats 1 and 3. */
  fourOnTheFloor: boolean;
  /** Overdrive the plucked voice (rock, metal). */
  distorted: boolean;
}

const CALM_MOODS = new Set(['calm', 'relaxing', 'meditative', 'slow', 'soft', 'sad', 'melancholic', 'dream',
  'mellow', 'romantic', 'love', 'nature', 'space', 'ambiental', 'background', 'ballad']);
const ENERGETIC_MOODS = new Set(['energetic', 'party', 'fast', 'upbeat', 'action', 'sport', 'powerful', 'fun',
  'happy', 'motivational', 'groovy', 'epic', 'heavy', 'game', 'trailer']);
const MINOR_MOODS = new Set(['sad', 'dark', 'melancholic', 'horror', 'dramatic', 'drama', 'emotional', 'deep']);
const MAJOR_MOODS = new Set(['happy', 'upbeat', 'positive', 'fun', 'funny', 'children', 'christmas', 'holiday',
  'summer', 'hopeful', 'uplifting', 'inspiring']);
const MINOR_GENRES = new Set(['gothic', 'darkwave', 'darkambient', 'metal', 'heavymetal', 'industrial']);

/** Tempo ranges (BPM) by genre; the first genre of the track found here decides. */
const GENRE_TEMPO: [lo: number, hi: number, genres: string[]][] = [
  [62, 78, ['ambient', 'darkambient', 'newage', 'classical', 'orchestral', 'symphonic', 'atmospheric', 'soundtrack',
    'choir', 'medieval', 'contemporary']],
  [80, 98, ['chillout', 'downtempo', 'lounge', 'triphop', 'hiphop', 'rap', 'rnb', 'soul', 'bossanova', 'jazz', 'blues',
    'reggae', 'dub', 'easylistening', 'folk', 'singersongwriter', 'chanson', 'country', 'celtic', 'world', 'ethno',
    'african', 'oriental', 'acidjazz']],
  [100, 124, ['pop', 'rock', 'indie', 'funk', 'disco', 'alternative', 'alternativerock', 'poprock', 'synthpop',
    'electropop', 'newwave', '60s', '70s', '80s', '90s', 'latin', 'ska', 'swing', 'jazzfunk', 'groove', 'rocknroll',
    'classicrock', 'bluesrock', 'popfolk', 'instrumentalpop', 'instrumentalrock', 'postrock', 'psychedelic']],
  [122, 132, ['house', 'deephouse', 'techno', 'trance', 'dance', 'edm', 'club', 'eurodance', 'electronic',
    'electronica', 'minimal', 'idm', 'electro']],
  [140, 172, ['drumnbass', 'breakbeat', 'punkrock', 'metal', 'heavymetal', 'hardrock', 'hard', 'dubstep', 'industrial',
    'grunge']],
];

const FOUR_ON_THE_FLOOR = new Set(['house', 'deephouse', 'techno', 'trance', 'dance', 'edm', 'club', 'eurodance', 'disco']);
const DISTORTED = new Set(['rock', 'hardrock', 'metal', 'heavymetal', 'punkrock', 'grunge', 'alternativerock', 'industrial']);

const INSTRUMENT_VOICE: Record<string, VoiceKind> = {
  piano: 'piano', electricpiano: 'piano', rhodes: 'piano', keyboard: 'piano',
  pad: 'pad', strings: 'pad', violin: 'pad', viola: 'pad', cello: 'pad', orchestra: 'pad', choir: 'pad',
  synthesizer: 'saw', computer: 'saw', sampler: 'saw',
  guitar: 'pluck', acousticguitar: 'pluck', electricguitar: 'pluck', classicalguitar: 'pluck', ukulele: 'pluck', harp: 'pluck',
  bass: 'bass', doublebass: 'bass', acousticbassguitar: 'bass',
  drums: 'drums', drummachine: 'drums', beat: 'drums', percussion: 'drums', bongo: 'drums',
  flute: 'lead', clarinet: 'lead', oboe: 'lead', saxophone: 'lead', trumpet: 'lead', horn: 'lead', brass: 'lead',
  trombone: 'lead', harmonica: 'lead', accordion: 'lead', voice: 'lead',
  bell: 'bell',
  organ: 'organ', pipeorgan: 'organ',
};

/** Instruments when a track names none, by the first genre that has a default. */
const GENRE_VOICES: [VoiceKind[], string[]][] = [
  [['saw', 'bass', 'drums'], ['electronic', 'electronica', 'house', 'deephouse', 'techno', 'trance', 'dance', 'edm',
    'club', 'eurodance', 'synthpop', 'electropop', 'drumnbass', 'dubstep', 'idm', 'minimal', 'breakbeat', 'industrial']],
  [['pad', 'piano'], ['classical', 'orchestral', 'symphonic', 'soundtrack', 'contemporary', 'choir']],
  [['pad', 'bell'], ['ambient', 'darkambient', 'newage', 'atmospheric', 'meditative']],
  [['pluck', 'bass', 'drums'], ['rock', 'metal', 'heavymetal', 'hardrock', 'punkrock', 'grunge', 'alternative',
    'alternativerock', 'indie', 'poprock', 'classicrock', 'postrock']],
  [['piano', 'bass', 'drums'], ['jazz', 'blues', 'soul', 'funk', 'rnb', 'jazzfunk', 'acidjazz', 'lounge', 'swing', 'hiphop']],
  [['pluck', 'lead'], ['folk', 'country', 'singersongwriter', 'celtic', 'chanson', 'popfolk', 'world', 'latin', 'bossanova']],
];

const MAJOR_PROGRESSIONS = [[0, 4, 5, 3], [0, 3, 4, 3], [5, 3, 0, 4], [0, 5, 3, 4], [0, 3, 0, 4]];
const MINOR_PROGRESSIONS = [[0, 5, 2, 6], [0, 3, 4, 0], [0, 6, 5, 4], [0, 3, 6, 2], [0, 5, 3, 4]];

export function styleOf(tags: TrackTags, seed: number): SynthStyle {
  const rng = randomFromSeed(seed);
  const moods = tags.mood.map((t) => t.toLowerCase());
  const genres = tags.genre.map((t) => t.toLowerCase());
  const instruments = tags.instrument.map((t) => t.toLowerCase());
  const calm = moods.some((m) => CALM_MOODS.has(m));
  const energetic = moods.some((m) => ENERGETIC_MOODS.has(m));
  const energy = (energetic ? 1 : 0) - (calm ? 1 : 0);

  const tempo = genres.map((g) => GENRE_TEMPO.find(([, , gs]) => gs.includes(g))).find(Boolean);
  const [lo, hi] = tempo ?? [92, 116];
  const baseBpm = rng.range(lo, hi);
  const bpm = Math.round(clamp(baseBpm * (energy > 0 ? 1.15 : energy < 0 ? 0.8 : 1), 50, 180));

  const minor =
    moods.some((m) => MINOR_MOODS.has(m)) || genres.some((g) => MINOR_GENRES.has(g))
      ? !moods.some((m) => MAJOR_MOODS.has(m)) || rng.chance(0.3)
      : moods.some((m) => MAJOR_MOODS.has(m))
        ? false
        : rng.chance(0.4);

  let voices = unique(instruments.map((i) => INSTRUMENT_VOICE[i]).filter((v): v is VoiceKind => v !== undefined));
  if (voices.length === 0) {
    voices = [...(genres.map((g) => GENRE_VOICES.find(([, gs]) => gs.includes(g))?.[0]).find(Boolean) ??
      (calm ? ['piano', 'pad'] : ['piano', 'bass']))];
  }
  // Beat-driven music has drums even when the tags only name a melodic instrument; calm music does not.
  if (!calm && bpm >= 100 && !voices.includes('drums') && (energetic || genres.some((g) => FOUR_ON_THE_FLOOR.has(g) || DISTORTED.has(g)))) {
    voices.push('drums');
  }
  // A lone melodic voice gets a bass line under it unless the music is calm.
  if (!calm && !voices.includes('bass') && voices.length < 3) voices.push('bass');

  return {
    bpm,
    peak: energy > 0 ? 0.9 : energy < 0 ? 0.32 : 0.6,
    minor,
    rootMidi: 48 + rng.int(0, 11),
    progression: rng.pick(minor ? MINOR_PROGRESSIONS : MAJOR_PROGRESSIONS),
    voices,
    fourOnTheFloor: genres.some((g) => FOUR_ON_THE_FLOOR.has(g)),
    distorted: genres.some((g) => DISTORTED.has(g)),
  };
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}
