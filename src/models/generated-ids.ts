/** Ids (and folder names under the models dir) of the models `npm run models:generate` writes. */
export const GENERATED_SBERT_ID = 'cratedigger/tiny-sbert';
export const GENERATED_CLAP_ID = 'cratedigger/tiny-clap';
