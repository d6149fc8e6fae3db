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
  type APIGuildMember,
  type APITeam,
  type GuildMemberFlags,
  type GuildSystemChannelFlags,
  type RoleFlags,
  type APIRole,
  type APITextChannel,
  type APIUser,
  type GatewayGuildCreateDispatchData,
} from 'discord.js';
import { DEFAULT_BOT_PERMISSIONS, EVERYONE_PERMISSIONS, memberPermissions } from './permissions.ts';
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

/** One application, its bot user, one guild with one text channel and a few members. */
export interface World {
  /** Owned by `users.owner`, or by a team (whose owner is `users.owner`) when `team` is set. */
  application: { id: string; name: string; flags: number; team: APITeam | null };
  botUser: APIUser;
  users: EmulatedUsers;
  guild: GatewayGuildCreateDispatchData;
  channel: APITextChannel;
  roles: { everyone: APIRole; admin: APIRole; bot: APIRole };
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

export function createWorld(ids: SnowflakeGenerator, botPermissions: bigint = DEFAULT_BOT_PERMISSIONS, teamMembers?: readonly TeamMemberSpec[]): World {
  const applicationId = ids.next();
  const guildId = ids.next();
  const joinedAt = new Date().toISOString();
  // A bot user's id equals its application's id on Discord.
  const botUser = user(applicationId, 'cratedigger', true);
  const users: EmulatedUsers = {
    alice: user(ids.next(), 'alice'),
    bob: user(ids.next(), 'bob'),
    admin: user(ids.next(), 'admin'),
    owner: user(ids.next(), 'owner'),
  };
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
  const members = [
    member(botUser, [roles.bot.id], joinedAt),
    member(users.alice, [], joinedAt),
    member(users.bob, [], joinedAt),
    member(users.admin, [roles.admin.id], joinedAt),
    member(users.owner, [roles.admin.id], joinedAt),
  ];
  const guild: GatewayGuildCreateDispatchData = {
    id: guildId,
    name: 'Crate Test Server',
    icon: null,
    splash: null,
    discovery_splash: null,
    banner: null,
    description: null,
    owner_id: users.admin.id,
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
    channels: [channel],
    threads: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
  return {
    application: { id: applicationId, name: 'cratedigger', flags: 0, team: teamMembers ? team(ids.next(), users, teamMembers) : null },
    botUser,
    users,
    guild,
    channel,
    roles,
  };
}

export function findMember(world: World, userId: string): APIGuildMember | undefined {
  return world.guild.members.find((m) => m.user.id === userId);
}

/** Guild-level permissions of a member of the emulated guild (0 for strangers). */
export function permissionsOf(world: World, userId: string): bigint {
  const m = findMember(world, userId);
  if (!m) return 0n;
  return memberPermissions(m.roles, world.guild.roles, world.guild.id, world.guild.owner_id === userId);
}

export function findUser(world: World, userId: string): APIUser | undefined {
  if (userId === world.botUser.id) return world.botUser;
  return Object.values(world.users).find((u) => u.id === userId);
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
