import type { UploadedFile } from './messages.ts';

/** A request body as Discord reads it: JSON, or multipart with `payload_json` and file parts. */
export interface ParsedBody {
  json: unknown;
  files: UploadedFile[];
  /** Set when the body could not be read (bad JSON, broken multipart). */
  error?: string;
}

/**
 * Reads JSON or `multipart/form-data` bodies. Multipart goes through the WHATWG `Request.formData()`
 * parser built into Node (undici), so boundaries and binary parts are handled by a real implementation.
 */
export async function parseBody(raw: Buffer, contentType: string | undefined): Promise<ParsedBody> {
  if (raw.length === 0) return { json: undefined, files: [] };
  const type = (contentType ?? '').toLowerCase();
  if (type.startsWith('multipart/form-data')) {
    try {
      const form = await new Request('http://emulator.invalid/', {
        method: 'POST',
        headers: { 'content-type': contentType ?? '' },
        body: raw,
      }).formData();
      let json: unknown = undefined;
      const files: UploadedFile[] = [];
      for (const [field, value] of form.entries()) {
        if (typeof value === 'string') {
          if (field === 'payload_json') json = JSON.parse(value);
          continue;
        }
        files.push({
          field,
          filename: value.name,
          contentType: value.type || 'application/octet-stream',
          bytes: Buffer.from(await value.arrayBuffer()),
        });
      }
      return { json, files };
    } catch (err) {
      return { json: undefined, files: [], error: `unreadable multipart body: ${(err as Error).message}` };
    }
  }
  try {
    return { json: JSON.parse(raw.toString('utf8')), files: [] };
  } catch {
    return { json: undefined, files: [], error: 'body is not valid JSON' };
  }
}
