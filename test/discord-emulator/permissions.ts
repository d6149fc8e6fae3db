import { PermissionFlagsBits } from 'discord.js';

/** Every permission bit Discord defines (what an administrator or the owner effectively has). */
export const ALL_PERMISSIONS: bigint = Object.values(PermissionFlagsBits).reduce((all, bit) => all | bit, 0n);

/** What a fresh server gives @everyone for chatting and using apps (a subset of Discord's default). */
export const EVERYONE_PERMISSIONS: bigint =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.AddReactions |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.AttachFiles |
  PermissionFlagsBits.UseExternalEmojis |
  PermissionFlagsBits.UseApplicationCommands;

/** What the bot is invited with by default: enough to answer, react, clean up reactions, and play in voice. */
export const DEFAULT_BOT_PERMISSIONS: bigint =
  EVERYONE_PERMISSIONS | PermissionFlagsBits.ManageMessages | PermissionFlagsBits.Connect | PermissionFlagsBits.Speak;

export interface RoleLike {
  id: string;
  permissions: string;
}

/**
 * Guild-level permissions of a member: @everyone plus their roles, everything for the owner or an
 * administrator. `channelPermissions` applies a channel's overwrites on top.
 */
export function memberPermissions(
  memberRoleIds: readonly string[],
  roles: readonly RoleLike[],
  guildId: string,
  isOwner: boolean,
): bigint {
  if (isOwner) return ALL_PERMISSIONS;
  let total = 0n;
  for (const role of roles) {
    if (role.id === guildId || memberRoleIds.includes(role.id)) total |= BigInt(role.permissions);
  }
  return total & PermissionFlagsBits.Administrator ? ALL_PERMISSIONS : total;
}

export function hasPermission(total: bigint, bit: bigint): boolean {
  return (total & bit) === bit;
}

/** A channel permission overwrite as the API gives it: type 0 = role, 1 = member. */
export interface OverwriteLike {
  id: string;
  type: number;
  allow: string;
  deny: string;
}

/**
 * A member's permissions in one channel, in Discord's order: guild permissions, then the @everyone
 * overwrite, then the member's roles' overwrites together (deny, then allow), then the member's own.
 * Administrators and the owner are not affected by overwrites; without View Channel nothing else applies.
 */
export function channelPermissions(
  guildPermissions: bigint,
  overwrites: readonly OverwriteLike[],
  memberId: string,
  memberRoleIds: readonly string[],
  guildId: string,
): bigint {
  if (hasPermission(guildPermissions, PermissionFlagsBits.Administrator)) return ALL_PERMISSIONS;
  let total = guildPermissions;
  const apply = (o: { allow: bigint; deny: bigint } | undefined) => {
    if (o) total = (total & ~o.deny) | o.allow;
  };
  const bits = (o: OverwriteLike) => ({ allow: BigInt(o.allow), deny: BigInt(o.deny) });
  const everyone = overwrites.find((o) => o.type === 0 && o.id === guildId);
  apply(everyone && bits(everyone));
  const roles = overwrites.filter((o) => o.type === 0 && o.id !== guildId && memberRoleIds.includes(o.id)).map(bits);
  apply(roles.reduce((acc, o) => ({ allow: acc.allow | o.allow, deny: acc.deny | o.deny }), { allow: 0n, deny: 0n }));
  const own = overwrites.find((o) => o.type === 1 && o.id === memberId);
  apply(own && bits(own));
  return hasPermission(total, PermissionFlagsBits.ViewChannel) ? total : 0n;
}
