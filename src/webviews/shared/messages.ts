// What every panel's protocol shares: the record check and request ids. Each request from a page carries a
// requestId (1, 2, 3… per page); every reply of the host carries the id of the request it answers, or HOST_INITIATED
// for work the host started itself (a command, a file change), so a page never mistakes a late reply to an older
// request for the answer to its newest one.

export type RequestId = number;

/** The requestId of messages about work the host started on its own. */
export const HOST_INITIATED: RequestId = 0;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isRequestId(value: unknown): value is RequestId {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

/** The page side: numbers requests and tells whether a reply answers the newest one (or no request at all). */
export class RequestCounter {
  private newest = 0;

  next(): RequestId {
    return ++this.newest;
  }

  isCurrent(requestId: RequestId): boolean {
    return requestId === HOST_INITIATED || requestId === this.newest;
  }
}

/** A message type as the page writes it, before `request` numbers it. */
export type Unnumbered<T> = T extends unknown ? Omit<T, 'requestId'> : never;
