import { MessageType, PermissionFlagsBits, RESTJSONErrorCodes } from 'discord.js';
import type { Route } from './http.ts';
import { emojiKey, parseEmojiSegment } from './messages.ts';
import { ApiError, type EmulatorState } from './state.ts';
import { findUser } from './world.ts';

type Json = Record<string, unknown>;

const object = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});

/** Channel messages, reactions, and attachment downloads, with the permission checks Discord makes. */
export function channelRoutes(state: EmulatorState): Route[] {
  const msg = (p: Record<string, string>) => {
    const m = state.channelMessage(p.channel ?? '', p.message ?? '');
    state.requireBotPermission(PermissionFlagsBits.ViewChannel | PermissionFlagsBits.ReadMessageHistory, p.channel);
    return m;
  };
  const base = '/channels/:channel/messages';
  return [
    {
      method: 'GET',
      path: base,
      auth: true,
      handle: ({ params, query }) => {
        state.requireChannel(params.channel ?? '');
        state.requireBotPermission(PermissionFlagsBits.ViewChannel | PermissionFlagsBits.ReadMessageHistory, params.channel);
        const limit = Math.min(100, Math.max(1, Number(query.get('limit') ?? 50)));
        const before = query.get('before');
        const after = query.get('after');
        const list = [...state.messages.values()]
          .filter((m) => !m.deleted && !m.ephemeral && m.channelId === params.channel)
          .filter((m) => (before ? BigInt(m.id) < BigInt(before) : true) && (after ? BigInt(m.id) > BigInt(after) : true))
          .sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1))
          .slice(0, limit);
        return { status: 200, body: list.map((m) => state.render(m)) };
      },
    },
    {
      method: 'POST',
      path: base,
      auth: true,
      handle: ({ params, body, files }) => {
        state.requireChannel(params.channel ?? '');
        state.requireBotPermission(PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | (files.length ? PermissionFlagsBits.AttachFiles : 0n), params.channel);
        const b = object(body);
        const reference = object(b.message_reference);
        const m = state.createMessage({
          channelId: params.channel ?? '',
          authorId: state.botId,
          body: b,
          files,
          type: typeof reference.message_id === 'string' ? MessageType.Reply : MessageType.Default,
        });
        return { status: 200, body: state.render(m) };
      },
    },
    { method: 'GET', path: `${base}/:message`, auth: true, handle: ({ params }) => ({ status: 200, body: state.render(msg(params)) }) },
    {
      method: 'PATCH',
      path: `${base}/:message`,
      auth: true,
      handle: ({ params, body, files }) => {
        const m = msg(params);
        if (m.data.author.id !== state.botId) {
          throw new ApiError(403, RESTJSONErrorCodes.CannotEditMessageAuthoredByAnotherUser, 'Cannot edit a message authored by another user');
        }
        return { status: 200, body: state.render(state.editMessage(m, object(body), files)) };
      },
    },
    {
      method: 'DELETE',
      path: `${base}/:message`,
      auth: true,
      handle: ({ params }) => {
        const m = msg(params);
        if (m.data.author.id !== state.botId) state.requireBotPermission(PermissionFlagsBits.ManageMessages, params.channel);
        state.deleteMessage(m);
        return { status: 204 };
      },
    },
    {
      method: 'PUT',
      path: `${base}/:message/reactions/:emoji/@me`,
      auth: true,
      handle: ({ params }) => {
        const m = msg(params);
        const emoji = parseEmojiSegment(params.emoji ?? '');
        state.checkEmoji(emoji);
        // Adding a new emoji needs Add Reactions; joining an existing one only needs history.
        if (!m.reactions.has(emojiKey(emoji))) state.requireBotPermission(PermissionFlagsBits.AddReactions, params.channel);
        state.addReaction(m, state.botId, emoji);
        return { status: 204 };
      },
    },
    {
      method: 'DELETE',
      path: `${base}/:message/reactions/:emoji/:user`,
      auth: true,
      handle: ({ params }) => {
        const m = msg(params);
        const userId = params.user === '@me' ? state.botId : (params.user ?? '');
        if (userId !== state.botId) state.requireBotPermission(PermissionFlagsBits.ManageMessages, params.channel);
        if (!findUser(state.world, userId)) throw new ApiError(404, RESTJSONErrorCodes.UnknownUser, 'Unknown User');
        state.removeReaction(m, userId, parseEmojiSegment(params.emoji ?? ''));
        return { status: 204 };
      },
    },
    {
      method: 'GET',
      path: `${base}/:message/reactions/:emoji`,
      auth: true,
      handle: ({ params }) => {
        const m = msg(params);
        const r = m.reactions.get(emojiKey(parseEmojiSegment(params.emoji ?? '')));
        return { status: 200, body: (r?.userIds ?? []).map((id) => findUser(state.world, id)).filter(Boolean) };
      },
    },
    {
      method: 'DELETE',
      path: `${base}/:message/reactions/:emoji`,
      auth: true,
      handle: ({ params }) => {
        const m = msg(params);
        state.requireBotPermission(PermissionFlagsBits.ManageMessages, params.channel);
        state.clearReactions(m, parseEmojiSegment(params.emoji ?? ''));
        return { status: 204 };
      },
    },
    {
      method: 'DELETE',
      path: `${base}/:message/reactions`,
      auth: true,
      handle: ({ params }) => {
        const m = msg(params);
        state.requireBotPermission(PermissionFlagsBits.ManageMessages, params.channel);
        state.clearReactions(m);
        return { status: 204 };
      },
    },
    {
      method: 'GET',
      path: '/attachments/:channel/:attachment/:filename',
      api: false,
      auth: false,
      handle: ({ params }) => {
        for (const m of state.messages.values()) {
          const a = m.attachments.find((x) => x.id === params.attachment && m.channelId === params.channel);
          if (a) return { status: 200, raw: { contentType: a.contentType, bytes: a.bytes } };
        }
        throw new ApiError(404, 0, '404: Not Found');
      },
    },
  ];
}
