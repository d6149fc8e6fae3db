/** Ids (and folder names under the models dir) of the models `npm run models:generate` writes. */

/** The default ("tiny") set: small untrained towers, quick to generate and run. */
export const GENERATED_SBERT_ID = 'cratedigger/tiny-sbert';
export const GENERATED_CLAP_ID = 'cratedigger/tiny-clap';

/** The "full" set (`--set full`): the real architectures' sizes, for timing-faithful benchmarks. */
export const FULL_SBERT_ID = 'cratedigger/full-sbert';
export const FULL_CLAP_ID = 'cratedigger/full-clap';
