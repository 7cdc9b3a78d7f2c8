/**
 * Session ids as the store keeps them: scoped by the client key, so two clients that send the same id (a
 * guessed or leaked `x-claude-code-session-id`) never share a session, its affinity or its counters.
 *
 * `<client id>/<session id>`: a session id never holds a `/` (every source of one excludes it), so the part
 * after the last `/` is always the client's own id, whatever characters the client id has.
 */
export function scopedSessionId(clientId: string, sessionId: string): string {
  return `${clientId}/${sessionId}`;
}

/** The id the client sent (or was given), from a scoped id; an unscoped id is returned as it is. */
export function clientSessionId(scopedId: string): string {
  return scopedId.slice(scopedId.lastIndexOf('/') + 1);
}

/** A stored session as the admin API shows it: under the id its client knows. */
export function clientView<Stored extends { id: string }>(session: Stored): Stored {
  return { ...session, id: clientSessionId(session.id) };
}
