import { RESTJSONErrorCodes, type InteractionResponseType } from 'discord.js';
import type { Route } from './http.ts';
import { LOADING_FLAG } from './messages.ts';
import { ApiError, type EmulatorState } from './state.ts';

type Json = Record<string, unknown>;

const object = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});

/** Interaction callbacks and the interaction webhook (`@original`, follow-ups). None need the bot token. */
export function interactionRoutes(state: EmulatorState): Route[] {
  const message = (params: Record<string, string>) => state.interactionMessage(state.interactionByToken(params.app ?? '', params.token ?? ''), params.message ?? '');
  return [
    {
      method: 'POST',
      path: '/interactions/:id/:token/callback',
      auth: false,
      handle: ({ params, body, files, query }) => {
        const ix = state.interactions.get(params.id ?? '');
        if (!ix || ix.token !== params.token) throw new ApiError(404, RESTJSONErrorCodes.UnknownInteraction, 'Unknown interaction');
        const { type, data } = object(body);
        const m = state.respond(ix, type as InteractionResponseType, object(data), files);
        if (query.get('with_response') !== 'true') return { status: 204 };
        return {
          status: 200,
          body: {
            interaction: {
              id: ix.id,
              type: ix.payload.type,
              ...(m
                ? {
                    response_message_id: m.id,
                    response_message_loading: ((m.data.flags ?? 0) & LOADING_FLAG) !== 0,
                    response_message_ephemeral: m.ephemeral,
                  }
                : {}),
            },
            resource: { type, ...(m ? { message: state.render(m) } : {}) },
          },
        };
      },
    },
    {
      method: 'POST',
      path: '/webhooks/:app/:token',
      auth: false,
      handle: ({ params, body, files, query }) => {
        const ix = state.interactionByToken(params.app ?? '', params.token ?? '');
        const m = state.followUp(ix, object(body), files);
        return query.get('wait') === 'true' ? { status: 200, body: state.render(m) } : { status: 204 };
      },
    },
    { method: 'GET', path: '/webhooks/:app/:token/messages/:message', auth: false, handle: ({ params }) => ({ status: 200, body: state.render(message(params)) }) },
    {
      method: 'PATCH',
      path: '/webhooks/:app/:token/messages/:message',
      auth: false,
      handle: ({ params, body, files }) => ({ status: 200, body: state.render(state.editMessage(message(params), object(body), files)) }),
    },
    {
      method: 'DELETE',
      path: '/webhooks/:app/:token/messages/:message',
      auth: false,
      handle: ({ params }) => {
        state.deleteMessage(message(params));
        return { status: 204 };
      },
    },
  ];
}
