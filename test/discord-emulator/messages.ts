import type { APIAttachment, APIEmbed, APIMessage, APIPartialEmoji, APIReaction, APIUser, MessageType } from 'discord.js';
import type { FormProblem } from './limits.ts';

/** A file as it arrived in a multipart body: the exact bytes, the form field, the declared name and type. */
export interface UploadedFile {
  field: string;
  filename: string;
  contentType: string;
  bytes: Buffer;
}

/** An attachment of a stored message, with the bytes the client uploaded. */
export interface StoredAttachment {
  id: string;
  filename: string;
  contentType: string;
  bytes: Buffer;
  description?: string;
  title?: string;
  durationSecs?: number;
  waveform?: string;
}

/** Who reacted with one emoji, in order. */
export interface StoredReaction {
  emoji: APIPartialEmoji;
  userIds: string[];
}

/** A message as the emulator keeps it. `data` is what the API returns (reactions are added on output). */
export interface StoredMessage {
  id: string;
  channelId: string;
  ephemeral: boolean;
  data: APIMessage;
  attachments: StoredAttachment[];
  /** Keyed by emoji key: the unicode emoji, or `name:id` for a custom one. */
  reactions: Map<string, StoredReaction>;
  /** Earlier states of `data`, oldest first (a deferred reply, then each edit). */
  versions: APIMessage[];
  deleted: boolean;
  /** The interaction whose response or follow-up this is. */
  interactionId?: string;
}

type Json = Record<string, unknown>;

/** Flags a client may set on a message; the rest are Discord's to set. */
const SETTABLE_FLAGS = (1 << 2) | (1 << 6) | (1 << 12) | (1 << 15); // suppress embeds, ephemeral, silent, components v2
const EPHEMERAL = 1 << 6;
export const LOADING_FLAG = 1 << 7;

/** `/attachments/<channel>/<id>/<name>` under the emulator's base URL, like Discord's CDN path. */
export function attachmentUrl(baseUrl: string, channelId: string, a: Pick<StoredAttachment, 'id' | 'filename'>): string {
  return `${baseUrl}/attachments/${channelId}/${a.id}/${encodeURIComponent(a.filename)}`;
}

export function toApiAttachment(baseUrl: string, channelId: string, a: StoredAttachment): APIAttachment {
  const url = attachmentUrl(baseUrl, channelId, a);
  return {
    id: a.id,
    filename: a.filename,
    size: a.bytes.length,
    url,
    proxy_url: url,
    content_type: a.contentType,
    ...(a.description !== undefined ? { description: a.description } : {}),
    ...(a.title !== undefined ? { title: a.title } : {}),
    ...(a.durationSecs !== undefined ? { duration_secs: a.durationSecs } : {}),
    ...(a.waveform !== undefined ? { waveform: a.waveform } : {}),
  };
}

/** The upload index a form field names: `files[3]` → 3; a bare `file` → its position. */
function uploadIndex(file: UploadedFile, position: number): string {
  const m = /^files\[(\d+)\]$/.exec(file.field);
  return m?.[1] ?? String(position);
}

export type AttachmentResult = { ok: true; attachments: StoredAttachment[] } | { ok: false; problems: FormProblem[] };

/**
 * The attachments a create or edit leaves on a message. `attachments` in the body lists what to keep
 * (existing ids) and describes new uploads (id = upload index); without it an edit keeps everything and
 * appends the uploads. Every upload is attached, described or not, as on Discord.
 */
export function resolveAttachments(
  bodyAttachments: unknown,
  uploads: readonly UploadedFile[],
  existing: readonly StoredAttachment[],
  newId: () => string,
): AttachmentResult {
  const byIndex = new Map(uploads.map((u, i) => [uploadIndex(u, i), u]));
  const described = new Map<string, Json>();
  const kept: StoredAttachment[] = [];
  const problems: FormProblem[] = [];
  if (Array.isArray(bodyAttachments)) {
    bodyAttachments.forEach((raw: unknown, i) => {
      const entry = (typeof raw === 'object' && raw !== null ? raw : {}) as Json;
      const id = String(entry.id ?? '');
      const old = existing.find((a) => a.id === id);
      if (byIndex.has(id)) described.set(id, entry);
      else if (old) kept.push(old);
      else problems.push({ path: ['attachments', String(i), 'id'], code: 'ATTACHMENT_NOT_FOUND', message: `Unknown attachment id ${id}` });
    });
  } else {
    kept.push(...existing);
  }
  if (problems.length) return { ok: false, problems };
  const added = [...byIndex.entries()].map(([index, u]): StoredAttachment => {
    const meta = described.get(index) ?? {};
    const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
    const att: StoredAttachment = {
      id: newId(),
      filename: text(meta.filename) ?? u.filename,
      contentType: u.contentType,
      bytes: u.bytes,
    };
    const description = text(meta.description);
    const title = text(meta.title);
    const waveform = text(meta.waveform);
    if (description !== undefined) att.description = description;
    if (title !== undefined) att.title = title;
    if (typeof meta.duration_secs === 'number') att.durationSecs = meta.duration_secs;
    if (waveform !== undefined) att.waveform = waveform;
    return att;
  });
  return { ok: true, attachments: [...kept, ...added] };
}

/** Discord marks embeds `rich` and turns `attachment://name` URLs into the uploaded file's URL. */
export function normalizeEmbeds(embeds: unknown, attachments: readonly APIAttachment[]): APIEmbed[] {
  if (!Array.isArray(embeds)) return [];
  const resolve = (url: unknown): unknown => {
    if (typeof url !== 'string' || !url.startsWith('attachment://')) return url;
    const name = url.slice('attachment://'.length);
    return attachments.find((a) => a.filename === name)?.url ?? url;
  };
  return embeds.map((raw: unknown) => {
    const e = { type: 'rich', ...(raw as Json) } as Json;
    for (const key of ['image', 'thumbnail'] as const) {
      const media = e[key] as Json | undefined;
      if (media && typeof media === 'object') e[key] = { ...media, url: resolve(media.url), proxy_url: resolve(media.url) };
    }
    for (const key of ['author', 'footer'] as const) {
      const part = e[key] as Json | undefined;
      if (part && typeof part === 'object' && 'icon_url' in part) e[key] = { ...part, icon_url: resolve(part.icon_url) };
    }
    return e as APIEmbed;
  });
}

export interface NewMessageInput {
  id: string;
  channelId: string;
  author: APIUser;
  body: Json;
  attachments: StoredAttachment[];
  type: MessageType;
  now: Date;
  baseUrl: string;
  /** Set for interaction responses and follow-ups (they are sent through the app's webhook). */
  applicationId?: string;
  interactionMetadata?: APIMessage['interaction_metadata'];
  interaction?: APIMessage['interaction'];
  extraFlags?: number;
}

/** A new message's API shape from a create body. */
export function buildMessage(input: NewMessageInput): APIMessage {
  const { body, baseUrl, channelId } = input;
  const attachments = input.attachments.map((a) => toApiAttachment(baseUrl, channelId, a));
  const flags = ((typeof body.flags === 'number' ? body.flags : 0) & SETTABLE_FLAGS) | (input.extraFlags ?? 0);
  const data: APIMessage = {
    id: input.id,
    type: input.type,
    channel_id: channelId,
    author: input.author,
    content: typeof body.content === 'string' ? body.content : '',
    timestamp: input.now.toISOString(),
    edited_timestamp: null,
    tts: body.tts === true,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments,
    embeds: normalizeEmbeds(body.embeds, attachments),
    components: Array.isArray(body.components) ? (body.components as APIMessage['components']) : [],
    pinned: false,
    flags,
  };
  if (input.applicationId) {
    data.webhook_id = input.applicationId;
    data.application_id = input.applicationId;
  }
  if (input.interactionMetadata) data.interaction_metadata = input.interactionMetadata;
  if (input.interaction) data.interaction = input.interaction;
  return data;
}

/**
 * The message after an edit body: fields present replace, `null` clears, absent fields stay.
 * An edit ends a deferred reply's loading state.
 */
export function editMessage(before: APIMessage, body: Json, attachments: StoredAttachment[], now: Date, baseUrl: string): APIMessage {
  const apiAttachments = attachments.map((a) => toApiAttachment(baseUrl, before.channel_id, a));
  const after: APIMessage = { ...before, attachments: apiAttachments, edited_timestamp: now.toISOString() };
  if ('content' in body) after.content = typeof body.content === 'string' ? body.content : '';
  if ('embeds' in body) after.embeds = normalizeEmbeds(body.embeds, apiAttachments);
  if ('components' in body) after.components = Array.isArray(body.components) ? (body.components as APIMessage['components']) : [];
  let flags = (before.flags ?? 0) & ~LOADING_FLAG;
  if (typeof body.flags === 'number') {
    // Only "suppress embeds" and "components v2" can change on edit; ephemerality is fixed.
    const editable = (1 << 2) | (1 << 15);
    flags = (flags & ~editable) | (body.flags & editable);
  }
  after.flags = flags;
  return after;
}

export function isEphemeral(data: APIMessage): boolean {
  return ((data.flags ?? 0) & EPHEMERAL) !== 0;
}

/** The key the emulator files a reaction under, from a route segment or an emoji object. */
export function emojiKey(emoji: APIPartialEmoji): string {
  return emoji.id ? `${emoji.name ?? ''}:${emoji.id}` : (emoji.name ?? '');
}

/** A decoded URL path segment (`▶️`, `name:id`, `a:name:id`) as an emoji. */
export function parseEmojiSegment(text: string): APIPartialEmoji {
  const custom = /^(?:a:)?([\w-]+):(\d+)$/.exec(text);
  if (custom) return { id: custom[2] ?? null, name: custom[1] ?? null, ...(text.startsWith('a:') ? { animated: true } : {}) };
  return { id: null, name: text };
}

/** Reactions as the API lists them, `me` meaning "the bot reacted". */
export function apiReactions(reactions: ReadonlyMap<string, StoredReaction>, botId: string): APIReaction[] {
  return [...reactions.values()]
    .filter((r) => r.userIds.length > 0)
    .map((r) => ({
      emoji: r.emoji,
      count: r.userIds.length,
      count_details: { burst: 0, normal: r.userIds.length },
      me: r.userIds.includes(botId),
      me_burst: false,
      burst_colors: [],
    }));
}

/** The API shape of a stored message, with its current reactions. */
export function renderMessage(m: StoredMessage, botId: string): APIMessage {
  const reactions = apiReactions(m.reactions, botId);
  return reactions.length ? { ...m.data, reactions } : { ...m.data };
}
