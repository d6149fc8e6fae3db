/**
 * A model id (`owner/name`, as on the Hugging Face hub) becomes a folder path under MODELS_DIR,
 * so it may only be path segments of plain characters: no `..`, no leading `/` or dot, no `\`.
 */
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/;
export const MODEL_ID_RULE = 'a model id like owner/name (letters, digits, dot, dash, underscore; no "..", no absolute path)';

export function isModelId(id: string): boolean {
  return id.length > 0 && id.length <= 200 && id.split('/').every((s) => SEGMENT.test(s));
}
