/** Injected REST faults: a status (429 by default), a delay, a hold, or a held answer for the next requests matching a route. */

export interface FaultRule {
  /** HTTP method to match (any when omitted). */
  method?: string;
  /** Matched against the path under `/api/v10`, without the query: a substring or a RegExp. */
  path: string | RegExp;
  /** How many matching requests it applies to (default 1). */
  times?: number;
  /** Respond with this status instead of serving the request (default 429 unless only `delayMs` is given). */
  status?: number;
  /** For 429: seconds to wait, sent in the body (`retry_after`) and headers (`Retry-After`, `X-RateLimit-Reset-After`). */
  retryAfterSec?: number;
  /** For 429: a global limit (`X-RateLimit-Global`, `global: true`). */
  global?: boolean;
  /** For 429: `X-RateLimit-Scope` (user, global, shared). */
  scope?: 'user' | 'global' | 'shared';
  /** Wait this long before answering (then serve normally unless `status` is set). */
  delayMs?: number;
  /** Wait until this settles before answering (then serve normally unless `status` is set). */
  until?: Promise<unknown>;
  /** Serve the request at once (its change is stored and dispatched), but send the answer only when this settles. */
  answerAfter?: Promise<unknown>;
}

/** What a hold matches on: which requests, and how many. */
export type HoldRule = Pick<FaultRule, 'method' | 'path' | 'times'>;

/** A rule in force, with how often it has fired. */
export interface ActiveFault {
  readonly rule: FaultRule;
  hits: number;
  readonly remaining: number;
}

export class FaultList {
  readonly #active: { rule: FaultRule; hits: number }[] = [];

  add(rule: FaultRule): ActiveFault {
    const entry = { rule, hits: 0 };
    this.#active.push(entry);
    return {
      rule,
      get hits() {
        return entry.hits;
      },
      get remaining() {
        return Math.max(0, (rule.times ?? 1) - entry.hits);
      },
    };
  }

  /** The first rule with uses left that matches, counted as used. */
  take(method: string, path: string): FaultRule | undefined {
    const entry = this.#active.find((f) => f.hits < (f.rule.times ?? 1) && matches(f.rule, method, path));
    if (!entry) return undefined;
    entry.hits++;
    return entry.rule;
  }

  clear(): void {
    this.#active.length = 0;
  }
}

export function matches(rule: FaultRule, method: string, path: string): boolean {
  if (rule.method && rule.method.toUpperCase() !== method.toUpperCase()) return false;
  return typeof rule.path === 'string' ? path.includes(rule.path) : rule.path.test(path);
}

/** The response a status fault sends: Discord's rate-limit shape for 429, a plain error otherwise. */
export function faultResponse(rule: FaultRule): { status: number; headers: Record<string, string>; body: Record<string, unknown> } {
  const status = rule.status ?? 429;
  if (status !== 429) return { status, headers: {}, body: { message: `Injected ${status}`, code: 0 } };
  const retryAfter = rule.retryAfterSec ?? 1;
  const scope = rule.global ? 'global' : (rule.scope ?? 'user');
  const headers: Record<string, string> = {
    'Retry-After': String(retryAfter),
    'X-RateLimit-Limit': '5',
    'X-RateLimit-Remaining': '0',
    'X-RateLimit-Reset': String((Date.now() / 1000 + retryAfter).toFixed(3)),
    'X-RateLimit-Reset-After': String(retryAfter),
    'X-RateLimit-Scope': scope,
  };
  if (rule.global) headers['X-RateLimit-Global'] = 'true';
  return { status, headers, body: { message: 'You are being rate limited.', retry_after: retryAfter, global: rule.global === true } };
}
