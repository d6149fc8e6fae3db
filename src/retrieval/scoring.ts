import { definedOnly } from '../util/defined-only.ts';

/**
 * How a query is scored, and where each setting comes from: the settings (environment or CLI)
 * win, then what the index recommends (manifest `scoring`), then the built-in defaults — the
 * values chosen on the evaluation's dev half (`npm run eval`, bench/QUALITY.md).
 */

export const FIRST_STAGES = ['dense', 'lexical', 'hybrid'] as const;
export type FirstStageKind = (typeof FIRST_STAGES)[number];
export const FUSIONS = ['convex', 'rrf'] as const;
export type FusionMethod = (typeof FUSIONS)[number];

export interface FirstStageScoring {
  kind: FirstStageKind;
  /** Use the tags the prompt names (needs the index's tag lexicon). */
  understanding: boolean;
  fusion: FusionMethod;
  /** Convex fusion: weight of the normalised lexical score; the dense one gets 1 − this. */
  lexicalWeight: number;
  /** Reciprocal-rank fusion's constant (60 in Cormack et al. and Elastic). */
  rrfK: number;
  /** Weight of a named tag's term in the lexical query, relative to a word's. */
  tagTermWeight: number;
  /** Added to the score of a track carrying every named tag (a share of it for some). */
  tagBoost: number;
}

/**
 * The best grid point on the dev half of `npm run eval` (generated models, MTG-Jamendo's 18,486
 * tracks; bench/QUALITY.md): with the named tags carried by the boost and the tag terms, the
 * lexical score adds little beyond bringing its candidates into the pool, so its weight is low.
 * Real models may want other weights: run the evaluation with them (`--models <dir>`).
 */
export const DEFAULT_FIRST_STAGE: FirstStageScoring = {
  kind: 'hybrid',
  understanding: true,
  fusion: 'convex',
  lexicalWeight: 0.1,
  rrfK: 60,
  tagTermWeight: 2,
  tagBoost: 2,
};

/** Indexes without a lexical stage (built before it): dense retrieval, no tag understanding. */
export const DENSE_ONLY: FirstStageScoring = { ...DEFAULT_FIRST_STAGE, kind: 'dense', understanding: false, tagBoost: 0 };

/**
 * The scoring a query uses on an index: settings over the index's recommendation over the
 * defaults. An index without a lexical stage always gets DENSE_ONLY (what it was built for).
 */
export function resolveFirstStage(
  settings: Partial<FirstStageScoring> | undefined,
  recommended: Partial<FirstStageScoring> | undefined,
  hasLexical: boolean,
): FirstStageScoring {
  if (!hasLexical) return DENSE_ONLY;
  return { ...DEFAULT_FIRST_STAGE, ...definedOnly(recommended), ...definedOnly(settings) };
}

/** "hybrid (convex, lexical 0.5) + tags" — for status lines and reports. */
export function describeFirstStage(s: FirstStageScoring): string {
  const fusion = s.kind === 'hybrid' ? (s.fusion === 'rrf' ? ` (RRF k=${s.rrfK})` : ` (convex, lexical ${s.lexicalWeight})`) : '';
  return `${s.kind}${fusion}${s.understanding ? ` + tags (boost ${s.tagBoost})` : ''}`;
}
