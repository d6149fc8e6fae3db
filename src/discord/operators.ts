import { Team, TeamMemberMembershipState, TeamMemberRole, type ClientApplication } from 'discord.js';
import { UserError } from '../errors.ts';
import type { Logger } from '../logger.ts';

/**
 * User ids that run the bot as a service, read from its Discord application: the owner, or for a
 * team-owned application the team's owner and its members who accepted the invitation, except
 * read-only ones.
 */
export function applicationOperatorIds(owner: ClientApplication['owner']): string[] {
  if (!owner) return [];
  if (!(owner instanceof Team)) return [owner.id];
  const members = [...owner.members.values()]
    .filter((m) => m.membershipState === TeamMemberMembershipState.Accepted && m.role !== TeamMemberRole.ReadOnly)
    .map((m) => m.id);
  return [...new Set([...(owner.ownerId ? [owner.ownerId] : []), ...members])];
}

/**
 * Who may run operator commands (those that change what every server sees, like /reload):
 * BOT_ADMIN_IDS plus the application's owner or team. Server roles and permissions never count,
 * since the bot's servers are run by strangers to each other.
 */
export class Operators {
  #fromApplication: Promise<readonly string[]> = Promise.resolve([]);

  constructor(private readonly configured: readonly string[]) {}

  /**
   * Reads the application's owner from Discord. Checks made meanwhile wait for it; if Discord
   * does not answer, only BOT_ADMIN_IDS count (one warning), never more people.
   */
  learnFromApplication(fetchApplication: () => Promise<ClientApplication>, logger: Logger): Promise<void> {
    this.#fromApplication = fetchApplication().then(
      (app) => {
        const ids = applicationOperatorIds(app.owner);
        logger.info({ owner: app.owner instanceof Team ? 'team' : 'user', operators: [...new Set([...this.configured, ...ids])] }, 'operators known');
        return ids;
      },
      (err: unknown) => {
        logger.warn({ err }, 'could not read the application owner from Discord; operators are BOT_ADMIN_IDS only');
        return [];
      },
    );
    return this.#fromApplication.then(() => undefined);
  }

  async allows(userId: string): Promise<boolean> {
    return this.configured.includes(userId) || (await this.#fromApplication).includes(userId);
  }
}

/** The refusal every operator command gives everyone else, whatever their server permissions. */
export function operatorsOnly(command: string): UserError {
  return new UserError(
    `${command} is for the bot's operators only: the owner of its Discord application (or that team's members) and the users listed in BOT_ADMIN_IDS.`,
    'Server roles do not count here: every server shares what this command changes.',
  );
}
