/** The outside systems MotCua calls through `@motcua/connectors`. */
export type ConnectorSystem = 'payment' | 'population' | 'bhxh';

/** Why a call failed: an HTTP answer other than 2xx, no answer in time, no answer at all, or an answer of the wrong shape. */
export type ConnectorFailure = 'http' | 'timeout' | 'network' | 'malformed';

/**
 * A call to an outside system did not produce a usable answer. The consumer lets it propagate so
 * BullMQ retries the job with backoff; the systems are idempotent by reference, so a retry after
 * a lost answer does no second payment or card. `status` is the HTTP status when an answer
 * arrived (a malformed 200 included), undefined after a timeout or network error; `code` is the
 * system's `error` field when it sent one (e.g. 'invalid_amount', 'reference_conflict').
 */
export class ConnectorError extends Error {
  override readonly name = 'ConnectorError';

  constructor(
    readonly system: ConnectorSystem,
    readonly failure: ConnectorFailure,
    readonly status: number | undefined,
    message: string,
    readonly code?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
