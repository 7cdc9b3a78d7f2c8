// The scheduling pieces the bench measures in-process (`@relay/server/scheduling`; the relay is private).

export { AccountRegistry } from '../upstream/account-registry.js';
export { RouteAvailability } from '../upstream/route-availability.js';
export { chooseAccountForNewSession, type SchedulingCandidate } from './account-scheduler.js';
