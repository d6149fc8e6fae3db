import {
  ChannelType,
  GuildDefaultMessageNotifications,
  GuildExplicitContentFilter,
  GuildMFALevel,
  GuildNSFWLevel,
  GuildPremiumTier,
  GuildVerificationLevel,
  Locale,
  PermissionFlagsBits,
  TeamMemberMembershipState,
  TeamMemberRole,
  VideoQualityMode,
  type APIGuildMember,
  type APITeam,
  type GuildMemberFlags,
  type GuildSystemChannelFlags,
  type RoleFlags,
  type APIGuildVoiceChannel,
  type APIRole,
  type APITextChannel,
  type APIUser,
  type GatewayGuildCreateDispatchData,
} from 'discord.js';
import { channelPermissions, DEFAULT_BOT_PERMISSIONS, EVERYONE_PERMISSIONS, memberPermissions } from './permissions.ts';
import type { SnowflakeGenerator } from './snowflake.ts';

/**
 * The people of the emulated server. `admin` owns the server and holds an Administrator role;
 * `owner` owns the bot's application (its developer) and holds the same role here.
 */
export interface EmulatedUsers {
  alice: APIUser;
  bob: APIUser;
  admin: APIUser;
  owner: APIUser;
}

/** A member of the team that owns the application: who, with which team role, and whether they accepted. */
export interface TeamMemberSpec {
  user: keyof EmulatedUsers;
  role: 'admin' | 'developer' | 'read_only';
  accepted: boolean;
}

/** One server of the world: the guild (as GUILD_CREATE gives it), its text channel, its two voice channels and its roles. */
export interface EmulatedGuild {
  guild: GatewayGuildCreateDispatchData;
  channel: APITextChannel;
  /** Two voice channels (type 2), so "the bot is already in another channel" can be played out. */
  voiceChannels: APIGuildVoiceChannel[];
  roles: { everyone: APIRole; admin: APIRole; bot: APIRole };
}

/** What the world holds beyond the defaults: more servers, more plain members. */
export interface WorldSize {
  /** Servers, each with one text channel and every user as a member (default 1). */
  guilds?: number;
  /** Plain members besides alice and bob (`member1`…), in every server (default 0). */
  members?: number;
}

/** One application, its bot user, one or more guilds with one text channel each, and their members. */
export interface World {
  /** Owned by `users.owner`, or by a team (whose owner is `users.owner`) when `team` is set. */
  application: { id: string; name: string; flags: number; team: APITeam | null };
  botUser: APIUser;
  users: EmulatedUsers;
  /** The extra plain members (`WorldSize.members`). */
  members: APIUser[];
  /** Every server; the first is `guild`. */
  guilds: EmulatedGuild[];
  guild: GatewayGuildCreateDispatchData;
  channel: APITextChannel;
  roles: EmulatedGuild['roles'];
}

function user(id: string, username: string, bot = false): APIUser {
  return { id, username, global_name: bot ? null : username, discriminator: '0', avatar: null, ...(bot ? { bot: true } : {}) };
}

function role(id: string, name: string, permissions: bigint, position: number, managed = false): APIRole {
  return {
    id,
    name,
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position,
    permissions: permissions.toString(),
    managed,
    mentionable: false,
    flags: 0 as RoleFlags,
  };
}

function member(u: APIUser, roles: string[], joinedAt: string): APIGuildMember {
  return { user: u, nick: null, avatar: null, banner: null, roles, joined_at: joinedAt, deaf: false, mute: false, flags: 0 as GuildMemberFlags };
}

const TEAM_ROLES: Record<TeamMemberSpec['role'], TeamMemberRole> = {
  admin: TeamMemberRole.Admin,
  developer: TeamMemberRole.Developer,
  read_only: TeamMemberRole.ReadOnly,
};

function team(id: string, users: EmulatedUsers, members: readonly TeamMemberSpec[]): APITeam {
  return {
    id,
    icon: null,
    name: 'Crate Team',
    owner_user_id: users.owner.id,
    members: members.map((m) => ({
      membership_state: m.accepted ? TeamMemberMembershipState.Accepted : TeamMemberMembershipState.Invited,
      team_id: id,
      user: users[m.user],
      role: TEAM_ROLES[m.role],
      permissions: ['*'],
    })),
  };
}

/**
 * A server: its own roles (@everyone's id is the guild's), one text channel, and the given members
 * (the bot with its role, admins with the Administrator role).
 */
function createGuild(
  ids: SnowflakeGenerator,
  guildId: string,
  name: string,
  people: { bot: APIUser; owner: APIUser; admins: APIUser[]; plain: APIUser[] },
  botPermissions: bigint,
): EmulatedGuild {
  const joinedAt = new Date().toISOString();
  const roles = {
    everyone: role(guildId, '@everyone', EVERYONE_PERMISSIONS, 0),
    admin: role(ids.next(), 'Admin', PermissionFlagsBits.Administrator, 2),
    bot: role(ids.next(), 'cratedigger', botPermissions, 1, true),
  };
  const channel: APITextChannel = {
    id: ids.next(),
    type: ChannelType.GuildText,
    guild_id: guildId,
    name: 'general',
    position: 0,
    permission_overwrites: [],
    nsfw: false,
    parent_id: null,
    topic: null,
    last_message_id: null,
    rate_limit_per_user: 0,
  };
  const voiceChannels = ['Listening Room', 'Back Room'].map(
    (name, k): APIGuildVoiceChannel => ({
      id: ids.next(),
      type: ChannelType.GuildVoice,
      guild_id: guildId,
      name,
      position: k,
      permission_overwrites: [],
      nsfw: false,
      parent_id: null,
      last_message_id: null,
      rate_limit_per_user: 0,
      bitrate: 64_000,
      user_limit: 0,
      rtc_region: null,
      video_quality_mode: VideoQualityMode.Auto,
    }),
  );
  const members = [
    member(people.bot, [roles.bot.id], joinedAt),
    ...people.plain.map((u) => member(u, [], joinedAt)),
    ...people.admins.map((u) => member(u, [roles.admin.id], joinedAt)),
  ];
  const guild: GatewayGuildCreateDispatchData = {
    id: guildId,
    name,
    icon: null,
    splash: null,
    discovery_splash: null,
    banner: null,
    description: null,
    owner_id: people.owner.id,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: GuildVerificationLevel.None,
    default_message_notifications: GuildDefaultMessageNotifications.OnlyMentions,
    explicit_content_filter: GuildExplicitContentFilter.Disabled,
    roles: [roles.everyone, roles.admin, roles.bot],
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: GuildMFALevel.None,
    application_id: null,
    system_channel_id: channel.id,
    system_channel_flags: 0 as GuildSystemChannelFlags,
    rules_channel_id: null,
    vanity_url_code: null,
    premium_tier: GuildPremiumTier.None,
    premium_subscription_count: 0,
    preferred_locale: Locale.EnglishUS,
    public_updates_channel_id: null,
    nsfw_level: GuildNSFWLevel.Default,
    premium_progress_bar_enabled: false,
    hub_type: null,
    safety_alerts_channel_id: null,
    incidents_data: null,
    joined_at: joinedAt,
    large: false,
    unavailable: false,
    member_count: members.length,
    voice_states: [],
    members,
    channels: [channel, ...voiceChannels],
    threads: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
  return { guild, channel, voiceChannels, roles };
}

/**
 * Guild ids one millisecond apart: a guild's shard is `(id >> 22) % shards` (the timestamp part),
 * so ids made within one millisecond would all land on the same shard.
 */
function guildIds(ids: SnowflakeGenerator, n: number): string[] {
  const t0 = Date.now() - n;
  return Array.from({ length: n }, (_, k) => ids.next(t0 + k));
}

export function createWorld(
  ids: SnowflakeGenerator,
  botPermissions: bigint = DEFAULT_BOT_PERMISSIONS,
  teamMembers?: readonly TeamMemberSpec[],
  size: WorldSize = {},
): World {
  const applicationId = ids.next();
  const gIds = guildIds(ids, Math.max(1, size.guilds ?? 1));
  // A bot user's id equals its application's id on Discord.
  const botUser = user(applicationId, 'cratedigger', true);
  const users: EmulatedUsers = {
    alice: user(ids.next(), 'alice'),
    bob: user(ids.next(), 'bob'),
    admin: user(ids.next(), 'admin'),
    owner: user(ids.next(), 'owner'),
  };
  const members = Array.from({ length: size.members ?? 0 }, (_, i) => user(ids.next(), `member${i + 1}`));
  const people = { bot: botUser, owner: users.admin, admins: [users.admin, users.owner], plain: [users.alice, users.bob, ...members] };
  const guilds = gIds.map((id, k) => createGuild(ids, id, k === 0 ? 'Crate Test Server' : `Crate Test Server ${k + 1}`, people, botPermissions));
  const first = guilds[0]!;
  return {
    application: { id: applicationId, name: 'cratedigger', flags: 0, team: teamMembers ? team(ids.next(), users, teamMembers) : null },
    botUser,
    users,
    members,
    guilds,
    guild: first.guild,
    channel: first.channel,
    roles: first.roles,
  };
}

/** The server with this id, if the world has it. */
export function findGuild(world: World, guildId: string): EmulatedGuild | undefined {
  return world.guilds.find((g) => g.guild.id === guildId);
}

/** The server whose text channel this is. */
export function guildOfChannel(world: World, channelId: string): EmulatedGuild | undefined {
  return world.guilds.find((g) => g.channel.id === channelId);
}

/** Any channel of the world (text or voice) with its server. */
export function findChannel(world: World, channelId: string): { where: EmulatedGuild; channel: APITextChannel | APIGuildVoiceChannel } | undefined {
  for (const where of world.guilds) {
    if (where.channel.id === channelId) return { where, channel: where.channel };
    const voice = where.voiceChannels.find((c) => c.id === channelId);
    if (voice) return { where, channel: voice };
  }
  return undefined;
}

export function findMember(world: World, userId: string, guildId: string = world.guild.id): APIGuildMember | undefined {
  return findGuild(world, guildId)?.guild.members.find((m) => m.user.id === userId);
}

/** Guild-level permissions of a member of one emulated guild (the first by default; 0 for strangers). */
export function permissionsOf(world: World, userId: string, guildId: string = world.guild.id): bigint {
  const g = findGuild(world, guildId)?.guild;
  const m = findMember(world, userId, guildId);
  if (!g || !m) return 0n;
  return memberPermissions(m.roles, g.roles, g.id, g.owner_id === userId);
}

/** A member's permissions in one channel: guild permissions with the channel's overwrites applied (0 for strangers and unknown channels). */
export function channelPermissionsOf(world: World, userId: string, channelId: string): bigint {
  const found = findChannel(world, channelId);
  if (!found) return 0n;
  const guildId = found.where.guild.id;
  const m = findMember(world, userId, guildId);
  if (!m) return 0n;
  return channelPermissions(permissionsOf(world, userId, guildId), found.channel.permission_overwrites ?? [], userId, m.roles, guildId);
}

export function findUser(world: World, userId: string): APIUser | undefined {
  if (userId === world.botUser.id) return world.botUser;
  return Object.values(world.users).find((u) => u.id === userId) ?? world.members.find((u) => u.id === userId);
}

/**
 * The application's `owner` as `GET /applications/@me` gives it: its owner, or for a team-owned
 * application the team's pseudo-user (named after the team id), as Discord does.
 */
export function applicationOwner(world: World): APIUser {
  const t = world.application.team;
  if (!t) return world.users.owner;
  return { id: t.id, username: `team${t.id}`, global_name: null, discriminator: '0000', avatar: null, flags: 1 << 10 };
}
