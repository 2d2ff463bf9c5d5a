import { randomBytes } from 'node:crypto';

/** An unguessable session token: 144 random bits, URL-safe. */
export function newResumeToken(): string {
  return randomBytes(18).toString('base64url');
}
