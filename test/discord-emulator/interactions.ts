import {
  ApplicationCommandOptionType,
  ApplicationIntegrationType,
  ComponentType,
  InteractionContextType,
  InteractionType,
  Locale,
  type APIApplicationCommand,
  type APIApplicationCommandAutocompleteGuildInteraction,
  type APIChatInputApplicationCommandGuildInteraction,
  type APIGuildMember,
  type APIInteractionDataResolved,
  type APIInteractionGuildMember,
  type APIMessage,
  type APIMessageComponentGuildInteraction,
  type APIRole,
  type APITextChannel,
  type APIUser,
} from 'discord.js';

/** Option values by name, as a person would type them; their types come from the registered command. */
export type CommandOptionValues = Record<string, string | number | boolean>;

type Json = Record<string, unknown>;

/** Things an option value can point at (user, channel and role options carry `resolved` data). */
export interface Resolvables {
  users: readonly APIUser[];
  members: readonly APIGuildMember[];
  channels: readonly APITextChannel[];
  roles: readonly APIRole[];
  permissionsOf(userId: string): bigint;
  /** The person invoking the command (a resolved channel carries their permissions). */
  invokerId: string;
}

/**
 * The `data.options` Discord would send for these values, checked against the registered definition
 * (unknown or missing required options, wrong types, choices, ranges): a person cannot send those.
 */
export function commandOptions(
  command: APIApplicationCommand,
  values: CommandOptionValues,
  subcommand: string | undefined,
  world: Resolvables,
): { options: Json[]; resolved: APIInteractionDataResolved } {
  const resolved: APIInteractionDataResolved = {};
  let defs = (command.options ?? []) as unknown as Json[];
  let wrap = (options: Json[]): Json[] => options;
  if (subcommand) {
    const sub = defs.find((d) => d.name === subcommand && d.type === ApplicationCommandOptionType.Subcommand);
    if (!sub) throw new Error(`/${command.name} has no subcommand "${subcommand}"`);
    defs = (sub.options ?? []) as Json[];
    wrap = (options) => [{ name: subcommand, type: ApplicationCommandOptionType.Subcommand, options }];
  }
  for (const name of Object.keys(values)) {
    if (!defs.some((d) => d.name === name)) throw new Error(`/${command.name} has no option "${name}"`);
  }
  const options: Json[] = [];
  for (const def of defs) {
    const name = String(def.name);
    const value = values[name];
    if (value === undefined) {
      if (def.required === true) throw new Error(`/${command.name} needs option "${name}"`);
      continue;
    }
    checkValue(command.name, def, value);
    resolveValue(def, value, resolved, world);
    options.push({ name, type: def.type, value });
  }
  return { options: wrap(options), resolved };
}

function checkValue(commandName: string, def: Json, value: string | number | boolean): void {
  const where = `/${commandName} option "${String(def.name)}"`;
  const type = def.type as ApplicationCommandOptionType;
  const want: Partial<Record<ApplicationCommandOptionType, string>> = {
    [ApplicationCommandOptionType.String]: 'string',
    [ApplicationCommandOptionType.Integer]: 'number',
    [ApplicationCommandOptionType.Number]: 'number',
    [ApplicationCommandOptionType.Boolean]: 'boolean',
    [ApplicationCommandOptionType.User]: 'string',
    [ApplicationCommandOptionType.Channel]: 'string',
    [ApplicationCommandOptionType.Role]: 'string',
  };
  const expected = want[type];
  if (!expected) throw new Error(`${where}: option type ${type} is not emulated`);
  if (typeof value !== expected) throw new Error(`${where} takes a ${expected}, got ${JSON.stringify(value)}`);
  if (type === ApplicationCommandOptionType.Integer && !Number.isInteger(value)) throw new Error(`${where} takes an integer`);
  if (Array.isArray(def.choices) && def.choices.length > 0 && !def.choices.some((c: Json) => c.value === value)) {
    throw new Error(`${where} must be one of its choices`);
  }
  if (typeof value === 'number') {
    if (typeof def.min_value === 'number' && value < def.min_value) throw new Error(`${where} must be ≥ ${def.min_value}`);
    if (typeof def.max_value === 'number' && value > def.max_value) throw new Error(`${where} must be ≤ ${def.max_value}`);
  }
  if (typeof value === 'string' && type === ApplicationCommandOptionType.String) {
    if (typeof def.min_length === 'number' && value.length < def.min_length) throw new Error(`${where} must be ≥ ${def.min_length} long`);
    if (typeof def.max_length === 'number' && value.length > def.max_length) throw new Error(`${where} must be ≤ ${def.max_length} long`);
  }
}

function resolveValue(def: Json, value: string | number | boolean, resolved: APIInteractionDataResolved, world: Resolvables): void {
  const id = String(value);
  switch (def.type) {
    case ApplicationCommandOptionType.User: {
      const u = world.users.find((x) => x.id === id);
      if (!u) throw new Error(`option "${String(def.name)}": no emulated user ${id}`);
      resolved.users = { ...resolved.users, [id]: u };
      const m = world.members.find((x) => x.user.id === id);
      if (m) {
        const { user: _user, ...rest } = m;
        resolved.members = { ...resolved.members, [id]: { ...rest, permissions: world.permissionsOf(id).toString() } };
      }
      break;
    }
    case ApplicationCommandOptionType.Channel: {
      const c = world.channels.find((x) => x.id === id);
      if (!c) throw new Error(`option "${String(def.name)}": no emulated channel ${id}`);
      resolved.channels = { ...resolved.channels, [id]: { id, type: c.type, name: c.name ?? '', permissions: world.permissionsOf(world.invokerId).toString() } };
      break;
    }
    case ApplicationCommandOptionType.Role: {
      const r = world.roles.find((x) => x.id === id);
      if (!r) throw new Error(`option "${String(def.name)}": no emulated role ${id}`);
      resolved.roles = { ...resolved.roles, [id]: r };
      break;
    }
    default:
      break;
  }
}

/** What every guild interaction carries: who, where, and with what rights. */
export interface InteractionContext {
  id: string;
  token: string;
  applicationId: string;
  guildId: string;
  channel: APITextChannel;
  member: APIInteractionGuildMember;
  appPermissions: bigint;
  attachmentSizeLimit: number;
}

function base(ctx: InteractionContext) {
  return {
    id: ctx.id,
    application_id: ctx.applicationId,
    token: ctx.token,
    version: 1 as const,
    guild_id: ctx.guildId,
    guild: { id: ctx.guildId, features: [], locale: Locale.EnglishUS },
    channel_id: ctx.channel.id,
    channel: ctx.channel,
    member: ctx.member,
    app_permissions: ctx.appPermissions.toString(),
    locale: Locale.EnglishUS,
    guild_locale: Locale.EnglishUS,
    entitlements: [],
    authorizing_integration_owners: { [ApplicationIntegrationType.GuildInstall]: ctx.guildId },
    context: InteractionContextType.Guild,
    attachment_size_limit: ctx.attachmentSizeLimit,
  };
}

/** Which command an interaction is about (a chat-input command, registered globally or in the guild). */
function commandData(command: APIApplicationCommand) {
  return { id: command.id, name: command.name, type: 1 as const, ...(command.guild_id ? { guild_id: command.guild_id } : {}) };
}

/** An INTERACTION_CREATE payload for a slash command (type 2, chat input). */
export function chatInputInteraction(
  ctx: InteractionContext,
  command: APIApplicationCommand,
  options: Json[],
  resolved: APIInteractionDataResolved,
): APIChatInputApplicationCommandGuildInteraction {
  const hasResolved = Object.keys(resolved).length > 0;
  return {
    ...base(ctx),
    type: InteractionType.ApplicationCommand,
    data: {
      ...commandData(command),
      ...(options.length ? { options: options as never } : {}),
      ...(hasResolved ? { resolved } : {}),
    },
  } as APIChatInputApplicationCommandGuildInteraction;
}

/**
 * The options of an autocomplete interaction: what the person has typed so far (not checked, as
 * Discord does not check partial input) with `focused` on the option being typed. The focused
 * option must be declared with autocomplete.
 */
export function autocompleteOptions(command: APIApplicationCommand, focused: string, typed: string, others: CommandOptionValues = {}): Json[] {
  const defs = (command.options ?? []) as unknown as Json[];
  const def = defs.find((d) => d.name === focused);
  if (!def) throw new Error(`/${command.name} has no option "${focused}"`);
  if (def.autocomplete !== true) throw new Error(`/${command.name} option "${focused}" has no autocomplete`);
  const options: Json[] = [];
  for (const [name, value] of Object.entries(others)) {
    const other = defs.find((d) => d.name === name);
    if (!other) throw new Error(`/${command.name} has no option "${name}"`);
    options.push({ name, type: other.type, value });
  }
  options.push({ name: focused, type: def.type, value: typed, focused: true });
  return options;
}

/** An INTERACTION_CREATE payload for autocomplete (type 4) while a person types a command option. */
export function autocompleteInteraction(ctx: InteractionContext, command: APIApplicationCommand, options: Json[]): APIApplicationCommandAutocompleteGuildInteraction {
  return {
    ...base(ctx),
    type: InteractionType.ApplicationCommandAutocomplete,
    data: { ...commandData(command), options: options as never },
  } as APIApplicationCommandAutocompleteGuildInteraction;
}

/** An INTERACTION_CREATE payload for a button press (type 3) on `message`. */
export function buttonInteraction(ctx: InteractionContext, message: APIMessage, customId: string): APIMessageComponentGuildInteraction {
  return {
    ...base(ctx),
    type: InteractionType.MessageComponent,
    message,
    data: { custom_id: customId, component_type: ComponentType.Button },
  };
}

/** An INTERACTION_CREATE payload for a choice in a string select menu (type 3, component type 3) on `message`. */
export function selectInteraction(ctx: InteractionContext, message: APIMessage, customId: string, values: string[]): APIMessageComponentGuildInteraction {
  return {
    ...base(ctx),
    type: InteractionType.MessageComponent,
    message,
    data: { custom_id: customId, component_type: ComponentType.StringSelect, values },
  };
}

/** The component with this custom_id anywhere in a message's component tree (rows, containers, sections). */
export function findComponent(components: unknown, customId: string): Json | undefined {
  if (!Array.isArray(components)) return undefined;
  for (const c of components as Json[]) {
    if (c.custom_id === customId) return c;
    const nested = findComponent(c.components, customId) ?? (c.accessory ? findComponent([c.accessory], customId) : undefined);
    if (nested) return nested;
  }
  return undefined;
}
