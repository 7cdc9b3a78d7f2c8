import { mergeDeltas, type Session, type SessionDelta } from '../session.js';

/** A session's changes not yet written to Redis, merged so that counters add up instead of overwriting. */
export interface PendingChange {
  /** The session as this instance knows it after the last change. */
  readonly session: Session;
  /** When the last change happened. */
  readonly at: number;
  readonly replace: boolean;
  /** The session as it was created here, if it was: written only if Redis does not have it yet. */
  readonly create: Session | undefined;
  readonly remove: boolean;
  readonly delta: SessionDelta;
}

const noDelta: SessionDelta = {};

/** A change that stores `session` whole. */
export function replaceChange(session: Session): PendingChange {
  return { session, at: session.lastActivityAt, replace: true, create: undefined, remove: false, delta: noDelta };
}

/** A change that creates `session` unless it exists. */
export function createChange(session: Session): PendingChange {
  return { session, at: session.lastActivityAt, replace: false, create: session, remove: false, delta: noDelta };
}

/** A change that adds `delta` to the session (now as given). */
export function deltaChange(session: Session, delta: SessionDelta): PendingChange {
  return { session, at: session.lastActivityAt, replace: false, create: undefined, remove: false, delta };
}

/** A change that deletes the session. */
export function removeChange(session: Session, at: number): PendingChange {
  return { session, at, replace: false, create: undefined, remove: true, delta: noDelta };
}

/** One change standing for `earlier` followed by `later`. */
export function mergeChanges(earlier: PendingChange, later: PendingChange): PendingChange {
  if (later.replace || later.remove) return later;
  // A whole snapshot already holds every later change; a create after a delete is a replace.
  if (earlier.replace || earlier.remove) return { ...later, replace: true, create: undefined, delta: noDelta };
  return {
    session: later.session,
    at: later.at,
    replace: false,
    create: earlier.create ?? later.create,
    remove: false,
    delta: mergeDeltas(earlier.delta, later.delta),
  };
}
