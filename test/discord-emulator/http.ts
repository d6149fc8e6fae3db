import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseBody } from './body.ts';
import { faultResponse } from './faults.ts';
import type { UploadedFile } from './messages.ts';
import { ApiError, type EmulatorState, type RecordedRequest } from './state.ts';

export const API_PREFIX = '/api/v10';

export interface RouteContext {
  method: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  files: UploadedFile[];
  headers: IncomingHttpHeaders;
}

export interface RouteResult {
  status: number;
  /** JSON body; omitted for 204. */
  body?: unknown;
  /** A raw body (attachment downloads). */
  raw?: { contentType: string; bytes: Buffer };
}

export interface Route {
  method: string;
  /** Template with `:name` parameters, matched segment by segment. */
  path: string;
  /** Under `/api/v10` (default) or at the server root (CDN-like downloads). */
  api?: boolean;
  /** Needs `Authorization: Bot <token>` (interaction callbacks and webhook-token routes do not). */
  auth: boolean;
  handle(ctx: RouteContext): RouteResult | Promise<RouteResult>;
}

export function matchRoute(routes: readonly Route[], method: string, path: string, api: boolean): { route: Route; params: Record<string, string> } | undefined {
  const segments = path.split('/').filter(Boolean).map(safeDecode);
  for (const route of routes) {
    if (route.method !== method || (route.api ?? true) !== api) continue;
    const parts = route.path.split('/').filter(Boolean);
    if (parts.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const ok = parts.every((p, i) => {
      const s = segments[i] ?? '';
      if (p.startsWith(':')) {
        params[p.slice(1)] = s;
        return true;
      }
      return p === s;
    });
    if (ok) return { route, params };
  }
  return undefined;
}

/** Clients percent-encode some segments (`%40me`, emoji); Discord reads them decoded. */
function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** A path with each segment decoded, as tests want to read it (`/messages/@original`). */
export function readablePath(path: string): string {
  return path.split('/').map(safeDecode).join('/');
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body?: unknown, raw?: RouteResult['raw']): void {
  if (raw) {
    res.writeHead(status, { ...headers, 'Content-Type': raw.contentType, 'Content-Length': String(raw.bytes.length) });
    res.end(raw.bytes);
    return;
  }
  if (body === undefined) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)) });
  res.end(text);
}

/** Generous per-route limits, shaped like Discord's, so clients parse real headers but never wait on them. */
function rateLimitHeaders(method: string, route: string): Record<string, string> {
  return {
    'X-RateLimit-Limit': '50',
    'X-RateLimit-Remaining': '49',
    'X-RateLimit-Reset': (Date.now() / 1000 + 1).toFixed(3),
    'X-RateLimit-Reset-After': '1.000',
    'X-RateLimit-Bucket': createHash('sha1').update(`${method} ${route}`).digest('hex').slice(0, 16),
  };
}

const SAFE_HEADERS = ['authorization', 'content-type', 'user-agent', 'x-audit-log-reason'];

/** Serves REST: records every request, applies injected faults, authenticates, routes, answers Discord-style. */
export async function handleRequest(state: EmulatorState, routes: readonly Route[], token: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://emulator.invalid');
  const method = (req.method ?? 'GET').toUpperCase();
  const api = url.pathname.startsWith(`${API_PREFIX}/`);
  const rawPath = api ? url.pathname.slice(API_PREFIX.length) : url.pathname;
  const raw = await readAll(req);
  const parsed = await parseBody(raw, req.headers['content-type']);
  const headers: Record<string, string> = {};
  for (const h of SAFE_HEADERS) {
    const v = req.headers[h];
    if (typeof v === 'string') headers[h] = v;
  }
  const matched = matchRoute(routes, method, rawPath, api);
  const path = readablePath(rawPath);
  const record: RecordedRequest = {
    at: Date.now(),
    method,
    path,
    query: Object.fromEntries(url.searchParams),
    route: matched?.route.path ?? null,
    headers,
    body: parsed.json,
    files: parsed.files,
    status: 0,
  };
  state.requests.push(record);
  const answer = (status: number, extra: Record<string, string>, body?: unknown, rawBody?: RouteResult['raw']): void => {
    record.status = status;
    send(res, status, extra, body, rawBody);
  };

  const fault = state.faults.take(method, path);
  if (fault?.delayMs) await sleep(fault.delayMs);
  if (fault?.until) await fault.until.catch(() => undefined);
  if (fault && (fault.status !== undefined || (fault.delayMs === undefined && fault.until === undefined && fault.answerAfter === undefined))) {
    const r = faultResponse(fault);
    answer(r.status, r.headers, r.body);
    return;
  }
  if (!matched) {
    answer(404, {}, { message: '404: Not Found', code: 0 });
    return;
  }
  const limits = matched.route.api === false ? {} : rateLimitHeaders(method, matched.route.path);
  if (matched.route.auth && req.headers.authorization !== `Bot ${token}`) {
    answer(401, limits, { message: '401: Unauthorized', code: 0 });
    return;
  }
  if (parsed.error) {
    answer(400, limits, { message: 'The request body contains invalid JSON.', code: 50109 });
    return;
  }
  try {
    const result = await matched.route.handle({ method, params: matched.params, query: url.searchParams, body: parsed.json, files: parsed.files, headers: req.headers });
    if (fault?.answerAfter) await fault.answerAfter.catch(() => undefined);
    answer(result.status, limits, result.body, result.raw);
  } catch (err) {
    if (err instanceof ApiError) {
      answer(err.status, limits, { message: err.message, code: err.code, ...(err.errors ? { errors: err.errors } : {}) });
      return;
    }
    // A bug in the emulator: say so loudly, the client sees a 500 (which it retries).
    console.error('[discord-emulator] route failed', method, path, err);
    answer(500, limits, { message: '500: Internal Server Error', code: 0 });
  }
}

export async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; port: number }> {
  const server = createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}
