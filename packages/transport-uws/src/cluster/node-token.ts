// In a cluster a resume token names the node that holds its session, `<nodeId>~<token>`, so
// any node can send a reconnecting client to the right one without asking the registry where
// the session is. The node id is not a secret; the token's secret part stays what it was.

const SEPARATOR = '~';

/** The token a client of node `nodeId` holds. */
export function nodeToken(nodeId: string, token: string): string {
  return `${nodeId}${SEPARATOR}${token}`;
}

/** A presented token split into the node that issued it and the local token ('' node: none named). */
export function splitNodeToken(text: string): { node: string; token: string } {
  const at = text.indexOf(SEPARATOR);
  // Node ids are short: a separator further in is not one of ours.
  if (at <= 0 || at > 32) return { node: '', token: text };
  return { node: text.slice(0, at), token: text.slice(at + 1) };
}
