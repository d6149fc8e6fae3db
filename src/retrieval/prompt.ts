import { UserError } from '../errors.ts';
import { stripInvisible } from '../util/invisible-chars.ts';

/** Longest prompt accepted, in characters: far beyond a sentence, well under tokenizer limits. */
export const DEFAULT_MAX_PROMPT_CHARS = 500;

/**
 * The prompt as embedded and shown: control, bidi and zero-width characters removed, whitespace
 * trimmed and collapsed. Refuses blank prompts and prompts over the limit.
 */
export function normalizePrompt(prompt: string, maxChars = DEFAULT_MAX_PROMPT_CHARS): string {
  const text = stripInvisible(prompt).replace(/\s+/g, ' ').trim();
  if (!text) throw new UserError('The prompt is empty.', 'Describe the music you want, e.g. "calm piano for a rainy evening".');
  if ([...text].length > maxChars) {
    throw new UserError(
      `The prompt is ${[...text].length} characters long; the limit is ${maxChars}.`,
      'Shorten it to the few words that matter most (mood, genre, instruments, setting).',
    );
  }
  return text;
}
