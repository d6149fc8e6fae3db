/**
 * The MTG-Jamendo tag vocabulary (mood/theme, genre and instrument tags of the autotagging
 * subsets after normalization), so the demo catalog and generated tokenizers speak the same
 * words as the real catalog without reading the dataset.
 */
export const JAMENDO_MOODS = [
  'action', 'adventure', 'advertising', 'ambiental', 'background', 'ballad', 'calm', 'children',
  'christmas', 'commercial', 'cool', 'corporate', 'dark', 'deep', 'documentary', 'drama',
  'dramatic', 'dream', 'emotional', 'energetic', 'epic', 'fast', 'film', 'fun', 'funny', 'game',
  'groovy', 'happy', 'heavy', 'holiday', 'hopeful', 'horror', 'inspiring', 'love', 'meditative',
  'melancholic', 'mellow', 'melodic', 'motivational', 'movie', 'nature', 'party', 'positive',
  'powerful', 'relaxing', 'retro', 'romantic', 'sad', 'sexy', 'slow', 'soft', 'soundscape',
  'space', 'sport', 'summer', 'trailer', 'travel', 'upbeat', 'uplifting',
] as const;

export const JAMENDO_GENRES = [
  '60s', '70s', '80s', '90s', 'acidjazz', 'african', 'alternative', 'alternativerock', 'ambient',
  'atmospheric', 'blues', 'bluesrock', 'bossanova', 'breakbeat', 'celtic', 'chanson', 'chillout',
  'choir', 'classical', 'classicrock', 'club', 'contemporary', 'country', 'dance', 'darkambient',
  'darkwave', 'deephouse', 'disco', 'downtempo', 'drumnbass', 'dub', 'dubstep', 'easylistening',
  'edm', 'electronic', 'electronica', 'electropop', 'ethnicrock', 'ethno', 'eurodance',
  'experimental', 'folk', 'funk', 'fusion', 'gothic', 'groove', 'grunge', 'hard', 'hardrock',
  'heavymetal', 'hiphop', 'house', 'idm', 'improvisation', 'indie', 'industrial',
  'instrumentalpop', 'instrumentalrock', 'jazz', 'jazzfunk', 'jazzfusion', 'latin', 'lounge',
  'medieval', 'metal', 'minimal', 'newage', 'newwave', 'orchestral', 'oriental', 'pop', 'popfolk',
  'poprock', 'postrock', 'progressive', 'psychedelic', 'punkrock', 'rap', 'reggae', 'rnb', 'rock',
  'rocknroll', 'singersongwriter', 'ska', 'soul', 'soundtrack', 'swing', 'symphonic', 'synthpop',
  'techno', 'trance', 'tribal', 'triphop', 'world', 'worldfusion',
] as const;

export const JAMENDO_INSTRUMENTS = [
  'accordion', 'acousticbassguitar', 'acousticguitar', 'bass', 'beat', 'bell', 'bongo', 'brass',
  'cello', 'clarinet', 'classicalguitar', 'computer', 'doublebass', 'drummachine', 'drums',
  'electricguitar', 'electricpiano', 'flute', 'guitar', 'harmonica', 'harp', 'horn', 'keyboard',
  'oboe', 'orchestra', 'organ', 'pad', 'percussion', 'piano', 'pipeorgan', 'rhodes', 'sampler',
  'saxophone', 'strings', 'synthesizer', 'trombone', 'trumpet', 'ukulele', 'viola', 'violin',
  'voice',
] as const;
