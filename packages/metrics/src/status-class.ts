/** The class of an HTTP status as a label value (`2xx`..`5xx`), `none` without a response. */
export type StatusClass = '1xx' | '2xx' | '3xx' | '4xx' | '5xx' | 'none';

/** Every status class, in index order (`statusClassIndex`). */
export const STATUS_CLASSES: readonly StatusClass[] = ['none', '1xx', '2xx', '3xx', '4xx', '5xx'];

/** The index in `STATUS_CLASSES` of `statusCode`'s class: 0 (`none`) when missing or out of range. */
export function statusClassIndex(statusCode: number | undefined): number {
  if (statusCode === undefined || !(statusCode >= 100 && statusCode < 600)) return 0;
  return Math.floor(statusCode / 100);
}

/** `200` → `2xx`; a missing or out-of-range status (no response arrived) → `none`. */
export function statusClass(statusCode: number | undefined): StatusClass {
  return STATUS_CLASSES[statusClassIndex(statusCode)] as StatusClass;
}
