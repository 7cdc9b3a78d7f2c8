/** How a response stops short of its end. */
export interface ResponseCut {
  /** How many parts are sent first; -1 cuts before the headers. */
  after: number;
  /** `reset` sends a TCP RST; `stall` sends nothing more and keeps the connection open. */
  action: 'reset' | 'stall';
}

/** Everything the mock will send for one request, decided before the first byte goes out. */
export interface ResponsePlan {
  status: number;
  headers: Record<string, string>;
  /** The body in the pieces it is written in (one per SSE event for a stream), built only when needed. */
  parts: () => string[];
  /** The whole body in one string when it is sent without delays; built once per stream when possible. */
  joined: string;
  /** Set when the response must not end normally. */
  cut: ResponseCut | undefined;
  /** Delay between the headers and the first part, in ms (a slow start). */
  firstPartDelayMs?: number;
}
