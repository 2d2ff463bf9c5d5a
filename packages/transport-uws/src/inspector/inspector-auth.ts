import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** What an inspector auth hook sees of a request (copied before the handler returns). */
export interface InspectorRequest {
  readonly method: string;
  readonly url: string;
  readonly query: string;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly address: string;
}

/**
 * `{ token }`: `Authorization: Bearer <token>`, or open `/?token=<token>` once in a browser, which
 * sets an HttpOnly, SameSite=Strict cookie. A function: your own check (a session cookie of your
 * admin site, an address allow-list); true lets the request in. Both may be given.
 */
export type InspectorAuth = { token: string; check?: (req: InspectorRequest) => boolean } | { token?: undefined; check: (req: InspectorRequest) => boolean };

export const COOKIE = 'netschema_inspector';
/** Short tokens can be guessed; 16 characters of a random string are out of reach. */
const MIN_TOKEN = 16;

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Timing-safe: both sides are hashed to 32 bytes first, so neither length nor content leaks. */
function sameSecret(a: string, b: Buffer): boolean {
  return timingSafeEqual(digest(a), b);
}

/** Checks the `auth` option; throws naming what is wrong. */
export function checkInspectorAuth(auth: unknown): InspectorAuth {
  const where = 'NetServer: inspector.auth';
  if (auth === undefined || auth === null) {
    throw new TypeError(`${where} is required: the inspector shows every room and client, so it never runs open. Pass { token: '<a random string of ${MIN_TOKEN}+ characters>' } or { check: (req) => boolean }`);
  }
  if (typeof auth !== 'object') throw new TypeError(`${where}: expected { token } or { check }, got ${typeof auth}`);
  const { token, check } = auth as { token?: unknown; check?: unknown };
  if (token === undefined && check === undefined) throw new TypeError(`${where}: expected { token } or { check }, got neither`);
  if (token !== undefined && (typeof token !== 'string' || token.length < MIN_TOKEN)) {
    throw new TypeError(`${where}.token: expected a string of at least ${MIN_TOKEN} characters, got ${typeof token === 'string' ? `${token.length} characters` : typeof token}`);
  }
  if (check !== undefined && typeof check !== 'function') throw new TypeError(`${where}.check: expected a function (req) => boolean, got ${typeof check}`);
  return auth as InspectorAuth;
}

/** Decides requests for one inspector. The cookie holds an HMAC of the token under a per-process key, not the token. */
export class InspectorGate {
  private readonly token: Buffer | null;
  private readonly cookie: string;
  private readonly cookieDigest: Buffer | null;

  constructor(private readonly auth: InspectorAuth) {
    this.token = auth.token === undefined ? null : digest(auth.token);
    this.cookie = auth.token === undefined ? '' : createHmac('sha256', randomBytes(32)).update(auth.token).digest('base64url');
    this.cookieDigest = auth.token === undefined ? null : digest(this.cookie);
  }

  /** The token in the query matches: the caller sets the cookie and redirects. */
  queryToken(req: InspectorRequest): boolean {
    if (this.token === null) return false;
    const t = new URLSearchParams(req.query).get('token');
    return t !== null && sameSecret(t, this.token);
  }

  /** `Set-Cookie` value for a browser that presented the token. */
  setCookie(): string {
    return `${COOKIE}=${this.cookie}; HttpOnly; SameSite=Strict; Path=/`;
  }

  allows(req: InspectorRequest): boolean {
    if (this.token !== null) {
      const authz = req.headers['authorization'] ?? '';
      if (authz.startsWith('Bearer ') && sameSecret(authz.slice(7).trim(), this.token)) return true;
      const cookie = readCookie(req.headers['cookie'] ?? '', COOKIE);
      if (cookie !== null && sameSecret(cookie, this.cookieDigest!)) return true;
    }
    return this.auth.check !== undefined && this.auth.check(req) === true;
  }
}

function readCookie(header: string, name: string): string | null {
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}
