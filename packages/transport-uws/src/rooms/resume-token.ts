import { randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * A resume token: a public lookup id and a secret, `<id>.<secret>`, URL-safe. The server finds a
 * session by the id (a Map lookup, whose timing may leak the id) and then compares the secret
 * in constant time, so timing never reveals how much of a secret was right.
 */
export interface ResumeToken {
  /** What the client holds and presents. */
  readonly text: string;
  readonly id: string;
  readonly secret: Buffer;
}

/** 72 random bits of id (unique among live sessions in practice) and 144 of secret. */
export function newResumeToken(): ResumeToken {
  const id = randomBytes(9).toString('base64url');
  const secret = randomBytes(18);
  return { text: `${id}.${secret.toString('base64url')}`, id, secret };
}

/** Splits a presented token into id and secret; null when it is not shaped like one. */
export function splitResumeToken(text: string): { id: string; secret: Buffer } | null {
  const dot = text.indexOf('.');
  if (dot !== 12 || text.length !== 37) return null;
  return { id: text.slice(0, dot), secret: Buffer.from(text.slice(dot + 1), 'base64url') };
}

/** Whether a presented secret is the session's, in time independent of where they differ. */
export function secretMatches(presented: Uint8Array, expected: Uint8Array): boolean {
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}
