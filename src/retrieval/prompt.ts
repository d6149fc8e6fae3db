import { UserError } from '../errors.ts';

/** Longest prompt accepted, in characters: far beyond a sentence, well under tokenizer limits. */
export const DEFAULT_MAX_PROMPT_CHARS = 500;

/** Trims and collapses whitespace; refuses blank prompts and prompts over the limit. */
export function normalizePrompt(prompt: string, maxChars = DEFAULT_MAX_PROMPT_CHARS): string {
  const text = prompt.replace(/\s+/g, ' ').trim();
  if (!text) throw new UserError('The prompt is empty.', 'Describe the music you want, e.g. "calm piano for a rainy evening".');
  if ([...text].length > maxChars) {
    throw new UserError(
      `The prompt is ${[...text].length} characters long; the limit is ${maxChars}.`,
      'Shorten it to the few words that matter most (mood, genre, instruments, setting).',
    );
  }
  return text;
}
