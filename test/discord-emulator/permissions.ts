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

/** What the bot is invited with by default: enough to answer, react and clean up reactions. */
export const DEFAULT_BOT_PERMISSIONS: bigint =
  EVERYONE_PERMISSIONS | PermissionFlagsBits.ManageMessages;

export interface RoleLike {
  id: string;
  permissions: string;
}

/**
 * Guild-level permissions of a member: @everyone plus their roles, everything for the owner or an
 * administrator. Channel overwrites are not modelled (the emulated channel has none).
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
