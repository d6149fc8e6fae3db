/**
 * How MTG-Jamendo tags read in English: compound tags split into words (`electricguitar` →
 * "electric guitar"), and each mood/theme tag's role in a sentence — an adjective ("calm"),
 * a use the music suits ("film" → "film"), or the kind of piece ("ballad").
 */

const PHRASES: Readonly<Record<string, string>> = {
  // genres
  acidjazz: 'acid jazz',
  alternativerock: 'alternative rock',
  bluesrock: 'blues rock',
  bossanova: 'bossa nova',
  classicrock: 'classic rock',
  darkambient: 'dark ambient',
  deephouse: 'deep house',
  drumnbass: "drum 'n' bass",
  easylistening: 'easy listening',
  ethnicrock: 'ethnic rock',
  hardrock: 'hard rock',
  heavymetal: 'heavy metal',
  hiphop: 'hip hop',
  instrumentalpop: 'instrumental pop',
  instrumentalrock: 'instrumental rock',
  jazzfunk: 'jazz funk',
  jazzfusion: 'jazz fusion',
  newage: 'new age',
  newwave: 'new wave',
  popfolk: 'pop folk',
  poprock: 'pop rock',
  postrock: 'post-rock',
  punkrock: 'punk rock',
  rnb: 'R&B',
  rocknroll: "rock 'n' roll",
  singersongwriter: 'singer-songwriter',
  synthpop: 'synth pop',
  triphop: 'trip hop',
  worldfusion: 'world fusion',
  idm: 'IDM',
  edm: 'EDM',
  // instruments
  acousticbassguitar: 'acoustic bass guitar',
  acousticguitar: 'acoustic guitar',
  classicalguitar: 'classical guitar',
  doublebass: 'double bass',
  drummachine: 'drum machine',
  electricguitar: 'electric guitar',
  electricpiano: 'electric piano',
  pipeorgan: 'pipe organ',
  beat: 'beats',
};

/** The tag as words: `electricguitar` → "electric guitar"; unknown tags read as they are. */
export function tagPhrase(tag: string): string {
  return PHRASES[tag] ?? tag;
}

/** Mood/theme tags that describe the music, as the adjective to print. */
const MOOD_ADJECTIVES: Readonly<Record<string, string>> = {
  ambiental: 'ambient',
  calm: 'calm',
  cool: 'cool',
  dark: 'dark',
  deep: 'deep',
  dramatic: 'dramatic',
  dream: 'dreamy',
  emotional: 'emotional',
  energetic: 'energetic',
  epic: 'epic',
  fast: 'fast',
  fun: 'fun',
  funny: 'funny',
  groovy: 'groovy',
  happy: 'happy',
  heavy: 'heavy',
  hopeful: 'hopeful',
  inspiring: 'inspiring',
  meditative: 'meditative',
  melancholic: 'melancholic',
  mellow: 'mellow',
  melodic: 'melodic',
  motivational: 'motivational',
  positive: 'positive',
  powerful: 'powerful',
  relaxing: 'relaxing',
  retro: 'retro',
  romantic: 'romantic',
  sad: 'sad',
  sexy: 'sexy',
  slow: 'slow',
  soft: 'soft',
  upbeat: 'upbeat',
  uplifting: 'uplifting',
};

/** Mood/theme tags that name a use or setting, as the phrase to print (it contains the tag). */
const THEME_PHRASES: Readonly<Record<string, string>> = {
  action: 'action scenes',
  adventure: 'adventure stories',
  advertising: 'advertising',
  background: 'background listening',
  children: "children's content",
  christmas: 'Christmas',
  commercial: 'commercials',
  corporate: 'corporate videos',
  documentary: 'documentary films',
  drama: 'drama',
  film: 'film',
  game: 'game soundtracks',
  holiday: 'holiday videos',
  horror: 'horror scenes',
  love: 'love scenes',
  movie: 'movie scenes',
  nature: 'nature footage',
  party: 'party playlists',
  space: 'space themes',
  sport: 'sport highlights',
  summer: 'summer days',
  trailer: 'trailers',
  travel: 'travel videos',
};

/** Mood/theme tags that say what kind of piece it is: they replace the word "track". */
const PIECE_NOUNS: ReadonlySet<string> = new Set(['ballad', 'soundscape']);

export type MoodRole = { kind: 'adjective'; word: string } | { kind: 'theme'; phrase: string } | { kind: 'noun'; word: string };

const ADJECTIVE_ENDING = /(?:y|ful|ic|al|ive|ous|ing|ed|ant|ent|ish|less|ble|ic)$/;

export function moodRole(tag: string): MoodRole {
  const adjective = MOOD_ADJECTIVES[tag];
  if (adjective) return { kind: 'adjective', word: adjective };
  const theme = THEME_PHRASES[tag];
  if (theme) return { kind: 'theme', phrase: theme };
  if (PIECE_NOUNS.has(tag)) return { kind: 'noun', word: tag };
  // Tags outside the vocabulary (from a tag map): guess from the word's ending.
  return ADJECTIVE_ENDING.test(tag) ? { kind: 'adjective', word: tag } : { kind: 'theme', phrase: tag };
}

/** "a" or "an" before a word, by its sound in the common cases (`an 80s`, `an upbeat`). */
export function article(word: string): 'a' | 'an' {
  return /^(?:[aeiou]|8|11|18\b)/i.test(word) && !/^(?:uni|eu|one)/i.test(word) ? 'an' : 'a';
}

/** "a", "a and b", "a, b and c". */
export function listPhrase(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

export function capitalize(s: string): string {
  return s ? s[0]!.toUpperCase() + s.slice(1) : s;
}
