/**
 * Groups of words that mean nearly the same thing in music descriptions. Generated token
 * embeddings of words in one group share a common direction, so untrained models still see
 * "chill" near "relaxing" and "metal" near "heavy": the offline demo then answers prompts that
 * use synonyms of the catalog's tags, not only its exact words.
 */
export const CONCEPT_GROUPS: Readonly<Record<string, readonly string[]>> = {
  calm: [
    'calm', 'calming', 'calmness', 'relaxing', 'relaxed', 'relax', 'relaxation', 'peaceful', 'peace',
    'serene', 'serenity', 'tranquil', 'tranquility', 'soothing', 'chill', 'chilled', 'chillout',
    'mellow', 'gentle', 'gently', 'soft', 'softly', 'quiet', 'easygoing', 'easylistening', 'lounge',
    'downtempo', 'meditative', 'meditation', 'spa', 'yoga', 'sleep', 'lullaby', 'cozy', 'comforting',
  ],
  energetic: [
    'energetic', 'energy', 'upbeat', 'uptempo', 'lively', 'vigorous', 'dynamic', 'driving', 'powerful',
    'fast', 'spirited', 'exciting', 'excitement', 'pumping', 'punchy', 'vibrant', 'workout', 'sport',
    'sports', 'running', 'action', 'adrenaline', 'motivational', 'intense',
  ],
  happy: [
    'happy', 'happiness', 'joyful', 'joy', 'joyous', 'cheerful', 'cheery', 'uplifting', 'positive',
    'bright', 'fun', 'playful', 'euphoric', 'optimistic', 'sunny', 'carefree', 'hopeful', 'summer',
    'funny', 'bouncy', 'celebratory', 'festive', 'party',
  ],
  sad: [
    'sad', 'sadness', 'melancholic', 'melancholy', 'sorrowful', 'sorrow', 'mournful', 'somber',
    'sombre', 'tragic', 'tragedy', 'heartbreak', 'heartbroken', 'longing', 'wistful', 'lonely',
    'loneliness', 'grief', 'tears', 'bittersweet', 'nostalgic', 'emotional', 'poignant', 'yearning',
  ],
  dark: [
    'dark', 'darkness', 'darker', 'ominous', 'sinister', 'eerie', 'creepy', 'haunting', 'spooky',
    'scary', 'horror', 'menacing', 'foreboding', 'gloomy', 'brooding', 'darkambient', 'darkwave',
    'gothic', 'halloween', 'unsettling', 'suspense', 'suspenseful', 'tension', 'tense', 'thriller',
  ],
  aggressive: [
    'aggressive', 'aggression', 'angry', 'rage', 'furious', 'heavy', 'hard', 'brutal', 'raw',
    'distorted', 'distortion', 'loud', 'gritty', 'metal', 'heavymetal', 'hardrock', 'punk', 'punkrock',
    'grunge', 'thrash', 'hardcore', 'metalcore', 'industrial', 'noisy',
  ],
  romantic: [
    'romantic', 'romance', 'love', 'tender', 'intimate', 'sensual', 'sexy', 'sultry', 'seductive',
    'passion', 'passionate', 'wedding', 'ballad', 'heartfelt', 'sweet',
  ],
  epic: [
    'epic', 'grand', 'grandiose', 'majestic', 'heroic', 'hero', 'triumphant', 'triumph', 'victory',
    'cinematic', 'orchestral', 'anthem', 'anthemic', 'trailer', 'dramatic', 'drama', 'soundtrack',
    'film', 'movie', 'symphonic', 'adventure', 'battle',
  ],
  dreamy: [
    'dreamy', 'dream', 'dreamlike', 'ethereal', 'atmospheric', 'ambient', 'ambiental', 'ambiance',
    'spacey', 'space', 'floating', 'airy', 'otherworldly', 'celestial', 'cosmic', 'hazy', 'lush',
    'soundscape', 'drone', 'newage', 'shoegaze', 'dreampop',
  ],
  mysterious: ['mysterious', 'mystery', 'enigmatic', 'mystical', 'magical', 'magic', 'fantasy', 'enchanting', 'intrigue'],
  nostalgic: ['nostalgic', 'nostalgia', 'retro', 'vintage', 'oldschool', '60s', '70s', '80s', '90s', 'synthwave', 'retrowave'],
  dance: [
    'dance', 'danceable', 'dancing', 'club', 'nightclub', 'party', 'disco', 'groove', 'groovy', 'funky',
    'funk', 'house', 'deephouse', 'edm', 'eurodance', 'dancefloor', 'rave', 'techno', 'trance',
  ],
  electronic: [
    'electronic', 'electronica', 'electro', 'synth', 'synths', 'synthesizer', 'synthesizers',
    'synthesiser', 'synthesized', 'digital', 'techno', 'edm', 'idm', 'electropop', 'synthpop',
    'computer', 'drummachine', 'sampler',
  ],
  rock: [
    'rock', 'guitar', 'guitars', 'electricguitar', 'riff', 'riffs', 'alternativerock', 'classicrock',
    'poprock', 'indie', 'alternative', 'grunge', 'bluesrock', 'postrock', 'instrumentalrock',
  ],
  hiphop: ['hiphop', 'hip', 'hop', 'rap', 'rapper', 'trap', 'boombap', 'beats', 'urban', 'rnb'],
  jazz: ['jazz', 'jazzy', 'swing', 'saxophone', 'sax', 'bebop', 'acidjazz', 'jazzfunk', 'jazzfusion', 'smooth', 'lounge', 'bossanova'],
  classical: [
    'classical', 'orchestra', 'orchestral', 'symphony', 'symphonic', 'strings', 'violin', 'violins',
    'cello', 'viola', 'chamber', 'baroque', 'sonata', 'concerto', 'opera', 'choir', 'choral',
  ],
  folk: ['folk', 'acoustic', 'acousticguitar', 'country', 'banjo', 'fiddle', 'americana', 'bluegrass', 'popfolk', 'singersongwriter', 'strumming'],
  keys: ['piano', 'pianos', 'pianist', 'keys', 'keyboard', 'keyboards', 'electricpiano', 'rhodes', 'organ'],
  percussion: ['drums', 'drum', 'percussion', 'percussive', 'beat', 'drumming', 'drummer', 'kick', 'snare', 'bongo', 'bongos', 'tabla'],
  voice: ['voice', 'vocal', 'vocals', 'singing', 'singer', 'sings', 'vocalist', 'choir', 'lyrics'],
  nature: ['nature', 'forest', 'rain', 'ocean', 'birds', 'water', 'waves', 'wind', 'sea', 'river', 'beach', 'natural'],
  world: ['world', 'ethnic', 'ethno', 'tribal', 'african', 'oriental', 'celtic', 'latin', 'worldfusion', 'exotic', 'indian', 'arabic'],
  christmas: ['christmas', 'holiday', 'xmas', 'winter', 'festive', 'bells', 'sleigh', 'carol'],
  corporate: ['corporate', 'commercial', 'advertising', 'advertisement', 'business', 'presentation', 'background'],
  children: ['children', 'kids', 'child', 'childish', 'cartoon', 'playful', 'toy', 'lullaby'],
};

/** Each word's groups (a word may belong to several). */
export function conceptsByWord(): Map<string, string[]> {
  const byWord = new Map<string, string[]>();
  for (const [group, words] of Object.entries(CONCEPT_GROUPS)) {
    for (const word of words) {
      const groups = byWord.get(word) ?? [];
      if (!groups.includes(group)) groups.push(group);
      byWord.set(word, groups);
    }
  }
  return byWord;
}
