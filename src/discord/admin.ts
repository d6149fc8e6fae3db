import { PermissionFlagsBits, type PermissionsBitField } from 'discord.js';

/**
 * Who may run admin commands: a user listed in BOT_ADMIN_IDS, or a member with Administrator in
 * the server where they run it. Checked on the server side: Discord's default member
 * permissions only hide the command, and server owners can override them.
 */
export function isBotAdmin(userId: string, memberPermissions: Readonly<PermissionsBitField> | null, adminIds: readonly string[]): boolean {
  if (adminIds.includes(userId)) return true;
  return memberPermissions?.has(PermissionFlagsBits.Administrator) ?? false;
}
