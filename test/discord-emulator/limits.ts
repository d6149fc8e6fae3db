/**
 * Discord's documented limits on message and command payloads, checked the way the API does:
 * a list of problems that the REST layer turns into a 400 "Invalid Form Body" (code 50035).
 * Pure functions: they see only the JSON a client sent.
 */

export interface FormProblem {
  /** Where in the body, e.g. ['embeds', '0', 'title']. */
  path: string[];
  code: string;
  message: string;
}

export const LIMITS = {
  content: 2000,
  embeds: 10,
  embedTotal: 6000,
  embedTitle: 256,
  embedDescription: 4096,
  embedFields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footerText: 2048,
  authorName: 256,
  actionRows: 5,
  rowComponents: 5,
  customId: 100,
  buttonLabel: 80,
  selectOptions: 25,
  selectOptionText: 100,
  selectPlaceholder: 150,
  commands: 100,
  autocompleteChoices: 25,
  commandName: 32,
  commandDescription: 100,
  options: 25,
  choices: 25,
} as const;

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function tooLong(path: string[], max: number): FormProblem {
  return { path, code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${max} or fewer in length.` };
}

function checkLength(problems: FormProblem[], path: string[], value: unknown, max: number): void {
  if (typeof value === 'string' && [...value].length > max) problems.push(tooLong(path, max));
}

function checkEmbed(embed: Json, path: string[], problems: FormProblem[]): number {
  checkLength(problems, [...path, 'title'], embed.title, LIMITS.embedTitle);
  checkLength(problems, [...path, 'description'], embed.description, LIMITS.embedDescription);
  let total = [...str(embed.title)].length + [...str(embed.description)].length;
  const footer = isObject(embed.footer) ? embed.footer : undefined;
  const author = isObject(embed.author) ? embed.author : undefined;
  if (footer) {
    checkLength(problems, [...path, 'footer', 'text'], footer.text, LIMITS.footerText);
    total += [...str(footer.text)].length;
  }
  if (author) {
    checkLength(problems, [...path, 'author', 'name'], author.name, LIMITS.authorName);
    total += [...str(author.name)].length;
  }
  const fields = Array.isArray(embed.fields) ? embed.fields : [];
  if (fields.length > LIMITS.embedFields) {
    problems.push({ path: [...path, 'fields'], code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${LIMITS.embedFields} or fewer in length.` });
  }
  fields.forEach((field: unknown, i) => {
    const f = isObject(field) ? field : {};
    const at = [...path, 'fields', String(i)];
    for (const [key, max] of [['name', LIMITS.fieldName], ['value', LIMITS.fieldValue]] as const) {
      if (str(f[key]).length === 0) problems.push({ path: [...at, key], code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });
      checkLength(problems, [...at, key], f[key], max);
      total += [...str(f[key])].length;
    }
  });
  return total;
}

function checkComponents(components: unknown[], problems: FormProblem[], flags: number): void {
  // Components V2 (flag 1<<15) allow nested layouts; only the classic action-row rules are checked.
  const componentsV2 = (flags & (1 << 15)) !== 0;
  if (!componentsV2 && components.length > LIMITS.actionRows) {
    problems.push({ path: ['components'], code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${LIMITS.actionRows} or fewer in length.` });
  }
  const seen = new Set<string>();
  const visit = (c: unknown, path: string[]): void => {
    if (!isObject(c)) return;
    if (c.type === 1 && Array.isArray(c.components) && c.components.length > LIMITS.rowComponents) {
      problems.push({ path: [...path, 'components'], code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${LIMITS.rowComponents} or fewer in length.` });
    }
    // A select menu takes a whole action row.
    if (c.type === 1 && Array.isArray(c.components) && c.components.length > 1 && c.components.some((x) => isObject(x) && x.type === 3)) {
      problems.push({ path: [...path, 'components'], code: 'COMPONENT_LAYOUT_WIDTH_EXCEEDED', message: 'The specified component exceeds the maximum width' });
    }
    if (c.type === 2) {
      checkLength(problems, [...path, 'label'], c.label, LIMITS.buttonLabel);
      // Link (5) and premium (6) buttons have no custom_id; every other style needs one.
      if (c.style !== 5 && c.style !== 6 && str(c.custom_id).length === 0) {
        problems.push({ path: [...path, 'custom_id'], code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });
      }
    }
    if (c.type === 3) checkStringSelect(c, path, problems);
    if (typeof c.custom_id === 'string') {
      checkLength(problems, [...path, 'custom_id'], c.custom_id, LIMITS.customId);
      if (seen.has(c.custom_id)) {
        problems.push({ path: [...path, 'custom_id'], code: 'COMPONENT_CUSTOM_ID_DUPLICATED', message: 'Component custom id cannot be duplicated' });
      }
      seen.add(c.custom_id);
    }
    if (Array.isArray(c.components)) c.components.forEach((child, i) => visit(child, [...path, 'components', String(i)]));
  };
  components.forEach((c, i) => visit(c, ['components', String(i)]));
}

/**
 * A string select: a custom_id, 1–25 options with distinct values, label/value/description ≤ 100,
 * placeholder ≤ 150, 0 ≤ min_values ≤ max_values ≤ 25 and within the options; alone in its row
 * (checked with the rows).
 */
function checkStringSelect(c: Json, path: string[], problems: FormProblem[]): void {
  if (str(c.custom_id).length === 0) problems.push({ path: [...path, 'custom_id'], code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });
  checkLength(problems, [...path, 'placeholder'], c.placeholder, LIMITS.selectPlaceholder);
  const options = Array.isArray(c.options) ? (c.options as Json[]) : [];
  if (options.length < 1 || options.length > LIMITS.selectOptions) {
    problems.push({ path: [...path, 'options'], code: 'BASE_TYPE_BAD_LENGTH', message: `Must be between 1 and ${LIMITS.selectOptions} in length.` });
  }
  const values = new Set<string>();
  options.forEach((o, i) => {
    const at = [...path, 'options', String(i)];
    for (const field of ['label', 'value'] as const) {
      if (str(o[field]).length === 0) problems.push({ path: [...at, field], code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });
      checkLength(problems, [...at, field], o[field], LIMITS.selectOptionText);
    }
    checkLength(problems, [...at, 'description'], o.description, LIMITS.selectOptionText);
    if (values.has(str(o.value))) problems.push({ path: [...at, 'value'], code: 'SELECT_COMPONENT_OPTION_VALUE_DUPLICATED', message: 'Select component option values must be unique' });
    values.add(str(o.value));
  });
  const min = typeof c.min_values === 'number' ? c.min_values : 1;
  const max = typeof c.max_values === 'number' ? c.max_values : 1;
  if (min < 0 || max < 1 || min > max || max > Math.max(1, options.length)) {
    problems.push({ path: [...path, 'max_values'], code: 'BASE_TYPE_BAD_INT', message: 'min_values/max_values out of range' });
  }
}

/** Problems with a message body (create or edit). */
export function messageProblems(body: Json): FormProblem[] {
  const problems: FormProblem[] = [];
  checkLength(problems, ['content'], body.content, LIMITS.content);
  const embeds = Array.isArray(body.embeds) ? body.embeds : [];
  if (embeds.length > LIMITS.embeds) {
    problems.push({ path: ['embeds'], code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${LIMITS.embeds} or fewer in length.` });
  }
  let total = 0;
  embeds.forEach((e: unknown, i) => {
    total += checkEmbed(isObject(e) ? e : {}, ['embeds', String(i)], problems);
  });
  if (total > LIMITS.embedTotal) {
    problems.push({ path: ['embeds'], code: 'MAX_EMBED_SIZE_EXCEEDED', message: `Embed size exceeds maximum size of ${LIMITS.embedTotal}` });
  }
  if (Array.isArray(body.components)) checkComponents(body.components, problems, typeof body.flags === 'number' ? body.flags : 0);
  return problems;
}

/** A new message needs something to show. */
export function isEmptyMessage(body: Json, fileCount: number): boolean {
  const has = (v: unknown): boolean => (Array.isArray(v) ? v.length > 0 : v !== undefined && v !== null && v !== '');
  return !has(body.content) && !has(body.embeds) && !has(body.components) && !has(body.sticker_ids) && !has(body.poll) && fileCount === 0;
}

// Discord's name rule for commands and options (lowercase required for chat-input commands).
const NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

function checkOptions(options: unknown[], path: string[], problems: FormProblem[]): void {
  if (options.length > LIMITS.options) {
    problems.push({ path, code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${LIMITS.options} or fewer in length.` });
  }
  let sawOptional = false;
  const names = new Set<string>();
  options.forEach((raw, i) => {
    const o = isObject(raw) ? raw : {};
    const at = [...path, String(i)];
    const name = str(o.name);
    if (!NAME.test(name) || name !== name.toLowerCase()) {
      problems.push({ path: [...at, 'name'], code: 'APPLICATION_COMMAND_INVALID_NAME', message: 'Command name is invalid' });
    }
    if (names.has(name)) problems.push({ path: [...at, 'name'], code: 'APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS', message: 'Option names must be unique' });
    names.add(name);
    const description = str(o.description);
    if (description.length < 1 || description.length > LIMITS.commandDescription) {
      problems.push({ path: [...at, 'description'], code: 'BASE_TYPE_BAD_LENGTH', message: `Must be between 1 and ${LIMITS.commandDescription} in length.` });
    }
    // Subcommands (1) and groups (2) carry their own option lists.
    if ((o.type === 1 || o.type === 2) && Array.isArray(o.options)) checkOptions(o.options, [...at, 'options'], problems);
    if (o.type !== 1 && o.type !== 2) {
      if (o.required === true && sawOptional) {
        problems.push({ path: [...at, 'required'], code: 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID', message: 'Required options must be placed before non-required options' });
      }
      if (o.required !== true) sawOptional = true;
    }
    if (Array.isArray(o.choices) && o.choices.length > LIMITS.choices) {
      problems.push({ path: [...at, 'choices'], code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${LIMITS.choices} or fewer in length.` });
    }
  });
}

/** Problems with a bulk-overwrite body (an array of command definitions). */
export function commandListProblems(list: unknown): FormProblem[] {
  if (!Array.isArray(list)) return [{ path: [], code: 'BASE_TYPE_ARRAY', message: 'Must be an array.' }];
  const problems: FormProblem[] = [];
  if (list.length > LIMITS.commands) problems.push({ path: [], code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${LIMITS.commands} or fewer in length.` });
  const seen = new Set<string>();
  list.forEach((raw, i) => {
    const c = isObject(raw) ? raw : {};
    problems.push(...commandProblems(c).map((p) => ({ ...p, path: [String(i), ...p.path] })));
    const key = `${String(c.type ?? 1)}:${str(c.name)}`;
    if (seen.has(key)) problems.push({ path: [String(i), 'name'], code: 'APPLICATION_COMMANDS_DUPLICATE_NAME', message: `Application command names must be unique` });
    seen.add(key);
  });
  return problems;
}

/** Problems with one command definition. */
export function commandProblems(c: Json): FormProblem[] {
  const problems: FormProblem[] = [];
  const type = c.type ?? 1;
  const name = str(c.name);
  const chatInput = type === 1;
  if (chatInput ? !NAME.test(name) || name !== name.toLowerCase() : name.length < 1 || name.length > LIMITS.commandName) {
    problems.push({ path: ['name'], code: 'APPLICATION_COMMAND_INVALID_NAME', message: 'Command name is invalid' });
  }
  if (chatInput) {
    const description = str(c.description);
    if (description.length < 1 || description.length > LIMITS.commandDescription) {
      problems.push({ path: ['description'], code: 'BASE_TYPE_BAD_LENGTH', message: `Must be between 1 and ${LIMITS.commandDescription} in length.` });
    }
  }
  if (Array.isArray(c.options)) checkOptions(c.options, ['options'], problems);
  return problems;
}

/** Discord's nested `errors` object: {embeds: {0: {title: {_errors: [{code, message}]}}}}. */
export function formErrors(problems: readonly FormProblem[]): Json {
  const root: Json = {};
  for (const p of problems) {
    let node = root;
    for (const key of p.path) {
      const next = node[key];
      node = isObject(next) ? next : (node[key] = {});
    }
    const list = Array.isArray(node._errors) ? node._errors : (node._errors = []);
    list.push({ code: p.code, message: p.message });
  }
  return root;
}

/** Discord's limits on autocomplete suggestions: at most 25, names 1–100 characters, string values up to 100. */
export function autocompleteProblems(data: Json): FormProblem[] {
  const choices = data.choices;
  if (!Array.isArray(choices)) return [{ path: ['choices'], code: 'BASE_TYPE_REQUIRED', message: 'This field is required' }];
  const problems: FormProblem[] = [];
  if (choices.length > LIMITS.autocompleteChoices) problems.push({ path: ['choices'], code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 25 or fewer in length.' });
  choices.forEach((c: Json, i) => {
    const name = typeof c.name === 'string' ? c.name : '';
    if (name.length < 1 || name.length > 100) problems.push({ path: ['choices', String(i), 'name'], code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 100 in length.' });
    if (typeof c.value === 'string' && c.value.length > 100) problems.push({ path: ['choices', String(i), 'value'], code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be 100 or fewer in length.' });
  });
  return problems;
}
