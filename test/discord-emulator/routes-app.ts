import { RESTJSONErrorCodes } from 'discord.js';
import type { Route } from './http.ts';
import { commandListProblems, commandProblems } from './limits.ts';
import { ApiError, type EmulatorState } from './state.ts';
import { applicationOwner, findChannel, findGuild, findMember, findUser, type EmulatedGuild } from './world.ts';

type Json = Record<string, unknown>;

const object = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});

/** What `GET /gateway/bot` tells a bot: where to connect, how many shards, how many may identify at once. */
export interface GatewayInfo {
  url: () => string;
  shards: number;
  maxConcurrency: number;
}

/** Gateway discovery, users, the application, its commands, and the guilds. */
export function appRoutes(state: EmulatorState, gateway: GatewayInfo): Route[] {
  const { world } = state;
  const app = (id: string): void => {
    if (id !== world.application.id) throw new ApiError(404, RESTJSONErrorCodes.UnknownApplication, 'Unknown Application');
  };
  const guild = (id: string): EmulatedGuild => {
    const g = findGuild(world, id);
    if (!g) throw new ApiError(404, RESTJSONErrorCodes.UnknownGuild, 'Unknown Guild');
    return g;
  };
  const commandRoutes = (prefix: string, scoped: boolean): Route[] => {
    const scope = (p: Record<string, string>): string | undefined => {
      app(p.app ?? '');
      if (!scoped) return undefined;
      return guild(p.guild ?? '').guild.id;
    };
    return [
      { method: 'GET', path: prefix, auth: true, handle: ({ params }) => ({ status: 200, body: state.commandList(scope(params)) }) },
      {
        method: 'PUT',
        path: prefix,
        auth: true,
        handle: ({ params, body }) => {
          const guildId = scope(params);
          const problems = commandListProblems(body);
          if (problems.length) throw ApiError.form(problems);
          return { status: 200, body: state.overwriteCommands((body as unknown[]).map(object), guildId) };
        },
      },
      {
        method: 'POST',
        path: prefix,
        auth: true,
        handle: ({ params, body }) => {
          const guildId = scope(params);
          const problems = commandProblems(object(body));
          if (problems.length) throw ApiError.form(problems);
          const d = object(body);
          const old = state.commandList(guildId).find((c) => c.name === d.name && (c.type ?? 1) === (d.type ?? 1));
          return { status: old ? 200 : 201, body: state.saveCommand(d, guildId, old?.id) };
        },
      },
      {
        method: 'DELETE',
        path: `${prefix}/:command`,
        auth: true,
        handle: ({ params }) => {
          const guildId = scope(params);
          const c = state.commands.get(params.command ?? '');
          if (!c || c.guild_id !== guildId) throw new ApiError(404, RESTJSONErrorCodes.UnknownApplicationCommand, 'Unknown application command');
          state.commands.delete(c.id);
          return { status: 204 };
        },
      },
    ];
  };

  return [
    {
      method: 'GET',
      path: '/gateway/bot',
      auth: true,
      handle: () => ({
        status: 200,
        body: {
          url: gateway.url(),
          shards: gateway.shards,
          session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: gateway.maxConcurrency },
        },
      }),
    },
    { method: 'GET', path: '/gateway', auth: false, handle: () => ({ status: 200, body: { url: gateway.url() } }) },
    { method: 'GET', path: '/users/@me', auth: true, handle: () => ({ status: 200, body: world.botUser }) },
    {
      method: 'GET',
      path: '/users/:user',
      auth: true,
      handle: ({ params }) => {
        const u = findUser(world, params.user ?? '');
        if (!u) throw new ApiError(404, RESTJSONErrorCodes.UnknownUser, 'Unknown User');
        return { status: 200, body: u };
      },
    },
    {
      method: 'GET',
      path: '/applications/@me',
      auth: true,
      handle: () => ({
        status: 200,
        body: {
          ...world.application,
          icon: null,
          description: '',
          bot_public: false,
          bot_require_code_grant: false,
          verify_key: '0'.repeat(64),
          owner: applicationOwner(world),
          team: world.application.team,
          bot: world.botUser,
          approximate_guild_count: world.guilds.length,
          summary: '',
        },
      }),
    },
    ...commandRoutes('/applications/:app/commands', false),
    ...commandRoutes('/applications/:app/guilds/:guild/commands', true),
    {
      method: 'GET',
      path: '/guilds/:guild',
      auth: true,
      handle: ({ params }) => {
        const { members: _m, channels: _c, threads: _t, presences: _p, voice_states: _v, ...rest } = guild(params.guild ?? '').guild;
        return { status: 200, body: rest };
      },
    },
    {
      method: 'GET',
      path: '/guilds/:guild/channels',
      auth: true,
      handle: ({ params }) => ({ status: 200, body: guild(params.guild ?? '').guild.channels }),
    },
    {
      method: 'GET',
      path: '/guilds/:guild/roles',
      auth: true,
      handle: ({ params }) => ({ status: 200, body: guild(params.guild ?? '').guild.roles }),
    },
    {
      method: 'GET',
      path: '/guilds/:guild/members/:user',
      auth: true,
      handle: ({ params }) => {
        const m = findMember(world, params.user ?? '', guild(params.guild ?? '').guild.id);
        if (!m) throw new ApiError(404, RESTJSONErrorCodes.UnknownMember, 'Unknown Member');
        return { status: 200, body: m };
      },
    },
    {
      method: 'GET',
      path: '/channels/:channel',
      auth: true,
      handle: ({ params }) => {
        const found = findChannel(world, params.channel ?? '');
        if (!found) throw new ApiError(404, RESTJSONErrorCodes.UnknownChannel, 'Unknown Channel');
        return { status: 200, body: found.channel };
      },
    },
  ];
}

