import { demoAudioPath } from '../audio/demo-audio.ts';
import { demoDurationSec } from '../audio/synth.ts';
import { type Random, randomFromName } from '../util/prng.ts';
import { templateCaption } from './tag-captions.ts';
import { moodRole, tagPhrase } from './tag-words.ts';
import { topTfidfTerms } from './tfidf-keywords.ts';
import { JAMENDO_GENRES } from './jamendo-vocabulary.ts';
import type { Track, TrackTags } from './track.ts';

/**
 * A deterministic demo catalog for the embedded default index: invented artists and albums
 * whose tracks carry MTG-Jamendo tags that belong together (a style family per artist, a
 * tag pool per album), template captions written from those tags, durations, and licences.
 *
 * Ids are `demo_9000001`, `demo_9000002`, …: clearly synthetic (no Jamendo page is derived
 * from them) and stable for a given position. Paths and durations are those of the audio that
 * `writeDemoAudio` synthesizes for each track (src/audio): `<2 hex>/<id>.<ext>` under the demo
 * audio root, mostly Ogg with a few of every other format, 12–20 s long.
 */

export interface DemoCatalogOptions {
  tracks?: number;
  seed?: number | string;
}

export const DEMO_DEFAULT_TRACKS = 600;
export const DEMO_DEFAULT_SEED = 1;
export const DEMO_ID_PREFIX = 'demo_';
const FIRST_NUMBER = 9_000_001;
const MAX_TRACKS = 999_999;

/** A style: which tags co-occur, most typical first. */
export interface StyleFamily {
  name: string;
  weight: number;
  genres: readonly string[];
  moods: readonly string[];
  instruments: readonly string[];
}

export const STYLE_FAMILIES: readonly StyleFamily[] = [
  {
    name: 'ambient',
    weight: 18,
    genres: ['ambient', 'chillout', 'downtempo', 'electronic', 'newage', 'atmospheric', 'lounge', 'easylistening', 'darkambient', 'minimal', 'electronica', 'triphop'],
    moods: ['calm', 'relaxing', 'meditative', 'dream', 'soft', 'space', 'deep', 'background', 'ambiental', 'mellow', 'nature', 'melancholic', 'soundscape', 'slow'],
    instruments: ['synthesizer', 'pad', 'piano', 'computer', 'sampler', 'keyboard', 'bell', 'drummachine', 'strings', 'electricpiano'],
  },
  {
    name: 'electronic dance',
    weight: 14,
    genres: ['electronic', 'dance', 'house', 'techno', 'trance', 'edm', 'deephouse', 'club', 'electropop', 'synthpop', 'dubstep', 'drumnbass', 'breakbeat', 'eurodance', 'disco', '80s', '90s'],
    moods: ['energetic', 'party', 'upbeat', 'happy', 'groovy', 'fast', 'cool', 'sexy', 'summer', 'fun', 'dark', 'powerful', 'sport'],
    instruments: ['synthesizer', 'drummachine', 'beat', 'bass', 'sampler', 'computer', 'voice', 'keyboard', 'pad'],
  },
  {
    name: 'rock',
    weight: 14,
    genres: ['rock', 'alternative', 'indie', 'poprock', 'hardrock', 'alternativerock', 'punkrock', 'metal', 'heavymetal', 'grunge', 'classicrock', 'bluesrock', 'postrock', 'instrumentalrock', 'psychedelic', 'progressive', 'rocknroll', '70s', '60s', 'newwave', 'gothic', 'darkwave', 'industrial', 'hard'],
    moods: ['energetic', 'powerful', 'heavy', 'dark', 'upbeat', 'action', 'sport', 'melancholic', 'sad', 'fast', 'epic', 'retro'],
    instruments: ['electricguitar', 'guitar', 'bass', 'drums', 'voice', 'keyboard', 'acousticguitar', 'organ'],
  },
  {
    name: 'cinematic',
    weight: 14,
    genres: ['soundtrack', 'orchestral', 'classical', 'symphonic', 'contemporary', 'ambient', 'choir', 'medieval', 'experimental'],
    moods: ['epic', 'dramatic', 'film', 'trailer', 'emotional', 'inspiring', 'adventure', 'documentary', 'movie', 'drama', 'powerful', 'dark', 'horror', 'melancholic', 'hopeful', 'action', 'game', 'christmas'],
    instruments: ['strings', 'orchestra', 'piano', 'violin', 'cello', 'brass', 'horn', 'percussion', 'flute', 'harp', 'trumpet', 'trombone', 'viola', 'doublebass', 'oboe', 'clarinet', 'pipeorgan', 'bell'],
  },
  {
    name: 'corporate pop',
    weight: 12,
    genres: ['pop', 'easylistening', 'instrumentalpop', 'popfolk', 'electropop', 'indie', 'soundtrack', 'singersongwriter'],
    moods: ['corporate', 'motivational', 'inspiring', 'uplifting', 'positive', 'happy', 'advertising', 'commercial', 'hopeful', 'background', 'fun', 'children', 'summer', 'travel', 'holiday', 'love'],
    instruments: ['piano', 'acousticguitar', 'guitar', 'strings', 'bell', 'synthesizer', 'drums', 'voice', 'ukulele', 'keyboard'],
  },
  {
    name: 'jazz and soul',
    weight: 9,
    genres: ['jazz', 'blues', 'soul', 'funk', 'swing', 'acidjazz', 'jazzfunk', 'jazzfusion', 'lounge', 'bossanova', 'rnb', 'groove', 'fusion', 'latin'],
    moods: ['cool', 'groovy', 'mellow', 'romantic', 'sexy', 'relaxing', 'retro', 'love', 'happy', 'melodic', 'calm'],
    instruments: ['saxophone', 'piano', 'doublebass', 'trumpet', 'drums', 'electricpiano', 'rhodes', 'organ', 'guitar', 'trombone', 'bass', 'voice', 'clarinet'],
  },
  {
    name: 'folk and world',
    weight: 9,
    genres: ['folk', 'country', 'singersongwriter', 'popfolk', 'celtic', 'world', 'latin', 'african', 'reggae', 'ethno', 'oriental', 'tribal', 'chanson', 'worldfusion', 'ska', 'ethnicrock'],
    moods: ['happy', 'travel', 'nature', 'summer', 'love', 'mellow', 'hopeful', 'romantic', 'melodic', 'ballad', 'sad', 'holiday', 'children', 'positive'],
    instruments: ['acousticguitar', 'guitar', 'voice', 'violin', 'accordion', 'harmonica', 'ukulele', 'flute', 'percussion', 'bongo', 'classicalguitar', 'acousticbassguitar'],
  },
  {
    name: 'hip hop',
    weight: 6,
    genres: ['hiphop', 'rap', 'triphop', 'rnb', 'dub', 'breakbeat', 'reggae', 'groove'],
    moods: ['cool', 'groovy', 'dark', 'deep', 'energetic', 'sexy', 'party', 'slow'],
    instruments: ['beat', 'drummachine', 'sampler', 'bass', 'voice', 'piano', 'synthesizer', 'computer'],
  },
  {
    name: 'experimental',
    weight: 4,
    genres: ['experimental', 'idm', 'minimal', 'industrial', 'darkambient', 'improvisation', 'electronica', 'atmospheric'],
    moods: ['dark', 'space', 'deep', 'horror', 'meditative', 'soundscape', 'funny', 'game'],
    instruments: ['computer', 'synthesizer', 'sampler', 'pad', 'percussion', 'drummachine', 'piano'],
  },
];

const LICENSES: readonly (readonly [readonly [string, string], number])[] = [
  [['CC BY-NC-SA 3.0', 'https://creativecommons.org/licenses/by-nc-sa/3.0/'], 40],
  [['CC BY-NC-ND 3.0', 'https://creativecommons.org/licenses/by-nc-nd/3.0/'], 22],
  [['CC BY-NC 3.0', 'https://creativecommons.org/licenses/by-nc/3.0/'], 14],
  [['CC BY-SA 3.0', 'https://creativecommons.org/licenses/by-sa/3.0/'], 10],
  [['CC BY 3.0', 'https://creativecommons.org/licenses/by/3.0/'], 8],
  [['CC BY-ND 3.0', 'https://creativecommons.org/licenses/by-nd/3.0/'], 6],
];

const ADJECTIVES = [
  'Velvet', 'Neon', 'Quiet', 'Golden', 'Broken', 'Electric', 'Silver', 'Distant', 'Hidden', 'Midnight', 'Paper',
  'Crimson', 'Frozen', 'Wild', 'Lonely', 'Bright', 'Hollow', 'Endless', 'Gentle', 'Restless', 'Amber', 'Northern',
  'Secret', 'Faded', 'Open', 'Slow', 'Copper', 'Glass', 'Blue', 'Warm',
];
const NOUNS = [
  'Horizon', 'Tide', 'Garden', 'Signal', 'Harbor', 'Engine', 'River', 'Lantern', 'Skyline', 'Echo', 'Dust', 'Satellite',
  'Orchard', 'Window', 'Voyage', 'Pulse', 'Shadow', 'Letter', 'Meadow', 'Machine', 'Circuit', 'Lighthouse', 'Field',
  'Compass', 'Ember', 'Rain', 'Mirror', 'Station', 'Forest', 'Morning',
];
const FIRST_NAMES = [
  'Mira', 'Jonas', 'Aiko', 'Lena', 'Tomas', 'Nadia', 'Felix', 'Ines', 'Oskar', 'Yara', 'Emil', 'Sofia', 'Ravi',
  'Clara', 'Hugo', 'Maren', 'Leo', 'Ada', 'Theo', 'Noor',
];
const LAST_NAMES = [
  'Solen', 'Varga', 'Lindqvist', 'Moreau', 'Okafor', 'Brandt', 'Castell', 'Novak', 'Rhee', 'Albers', 'Kader',
  'Fontaine', 'Duarte', 'Holm', 'Ferreira', 'Sato', 'Quint', 'Ward', 'Ilves', 'Marlow',
];

interface AlbumPool {
  family: StyleFamily;
  genres: string[];
  moods: string[];
  instruments: string[];
}

/** Pure: the same options always give the same tracks. */
export function generateDemoCatalog(options: DemoCatalogOptions = {}): Track[] {
  const count = options.tracks ?? DEMO_DEFAULT_TRACKS;
  if (!Number.isInteger(count) || count < 1 || count > MAX_TRACKS) {
    throw new RangeError(`demo catalog size must be an integer from 1 to ${MAX_TRACKS}, got ${count}`);
  }
  const rng = randomFromName(options.seed ?? DEMO_DEFAULT_SEED);
  const tracks: Track[] = [];
  let artistNo = 0;
  let albumNo = 0;
  while (tracks.length < count) {
    artistNo++;
    const family = rng.weighted(STYLE_FAMILIES.map((f) => [f, f.weight] as const));
    const artist = artistName(rng);
    const artistId = `demo_artist_${900_000 + artistNo}`;
    const [license, licenseUrl] = rng.weighted(LICENSES);
    const albums = rng.int(1, 3);
    for (let a = 0; a < albums && tracks.length < count; a++) {
      albumNo++;
      const pool = albumPool(family, rng);
      const album = albumTitle(rng);
      const releaseDate = `${rng.int(2005, 2019)}-${pad2(rng.int(1, 12))}-${pad2(rng.int(1, 28))}`;
      const size = rng.int(3, 9);
      for (let k = 0; k < size && tracks.length < count; k++) {
        const number = FIRST_NUMBER + tracks.length;
        const tags = trackTags(pool, rng);
        // A draw once spent on a style-dependent duration; still drawn so titles and credits
        // stay those of earlier demo catalogs (the duration is now the shipped audio's).
        rng.next();
        const id = `${DEMO_ID_PREFIX}${number}`;
        tracks.push({
          id,
          artistId,
          albumId: `demo_album_${900_000 + albumNo}`,
          path: demoAudioPath(id),
          durationSec: demoDurationSec({ id }),
          tags,
          caption: templateCaption(tags, rng.int(0, 1000)),
          keywords: [],
          title: trackTitle(rng),
          artist,
          album,
          releaseDate,
          license,
          licenseUrl,
        });
      }
    }
  }
  // Template captions say nothing their tags do not, so keywords are the track's most
  // distinctive tags (TF-IDF over tags), as words: "bossa nova", "dreamy", "electric guitar".
  const keywords = topTfidfTerms(tracks.map((t) => tagWords(t.tags)));
  tracks.forEach((t, i) => (t.keywords = keywords[i] ?? []));
  return tracks;
}

/** Earlier (more typical) items are likelier: index ∝ r². */
function typical<T>(items: readonly T[], rng: Random): T {
  return items[Math.floor(rng.next() ** 2 * items.length)]!;
}

function distinctTypical(items: readonly string[], n: number, rng: Random): string[] {
  const out = new Set<string>();
  for (let tries = 0; out.size < Math.min(n, items.length) && tries < 50; tries++) out.add(typical(items, rng));
  return [...out];
}

/** An album keeps to a few of its family's tags, so its tracks sound related. */
function albumPool(family: StyleFamily, rng: Random): AlbumPool {
  const genres = distinctTypical(family.genres, rng.int(2, 3), rng);
  if (rng.chance(0.05)) genres.push(rng.pick(JAMENDO_GENRES)); // the odd cross-over album
  const moods = distinctTypical(family.moods, rng.int(3, 5), rng);
  // One piece-noun mood (ballad, soundscape) per album at most: a track is not both.
  const nouns = moods.filter((m) => m === 'ballad' || m === 'soundscape');
  const keptMoods = nouns.length > 1 ? moods.filter((m) => m !== nouns[1]) : moods;
  return { family, genres, moods: keptMoods, instruments: distinctTypical(family.instruments, rng.int(3, 6), rng) };
}

function trackTags(pool: AlbumPool, rng: Random): TrackTags {
  const genreCount = rng.chance(0.4) ? 2 : 1;
  const moodCount = rng.weighted([[1, 45], [2, 40], [3, 15]] as const);
  const instrumentCount = rng.weighted([[0, 12], [1, 25], [2, 30], [3, 23], [4, 10]] as const);
  return {
    mood: rng.sample(pool.moods, moodCount),
    genre: [pool.genres[0]!, ...rng.sample(pool.genres.slice(1), genreCount - 1)],
    instrument: rng.sample(pool.instruments, instrumentCount),
  };
}

function tagWords(tags: TrackTags): string[] {
  const mood = tags.mood.map((m) => {
    const role = moodRole(m);
    return role.kind === 'adjective' ? role.word : m;
  });
  return [...mood, ...tags.genre.map(tagPhrase), ...tags.instrument.map(tagPhrase)].map((w) => w.toLowerCase());
}

function artistName(rng: Random): string {
  const style = rng.next();
  if (style < 0.5) return `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`;
  if (style < 0.8) return `${rng.pick(ADJECTIVES)} ${rng.pick(NOUNS)}`;
  return `${rng.pick(FIRST_NAMES)} & the ${rng.pick(NOUNS)}s`;
}

function albumTitle(rng: Random): string {
  switch (rng.int(0, 3)) {
    case 0:
      return `${rng.pick(ADJECTIVES)} ${rng.pick(NOUNS)}`;
    case 1:
      return `${rng.pick(NOUNS)} Sessions`;
    case 2:
      return `Songs from the ${rng.pick(NOUNS)}`;
    default:
      return rng.pick(NOUNS);
  }
}

function trackTitle(rng: Random): string {
  switch (rng.int(0, 4)) {
    case 0:
    case 1:
      return `${rng.pick(ADJECTIVES)} ${rng.pick(NOUNS)}`;
    case 2:
      return `${rng.pick(NOUNS)} of the ${rng.pick(NOUNS)}`;
    case 3:
      return `The ${rng.pick(NOUNS)}`;
    default:
      return `${rng.pick(NOUNS)} (${rng.pick(['Intro', 'Reprise', 'Night Version', 'Part II', 'Interlude'])})`;
  }
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}
