/**
 * A run of 9 to 12 digits, optionally after `+`, that is not part of a longer word or number:
 * a phone number (10 or 11 digits, or +84 and 9), a citizen ID (12, or the old 9), or any number
 * shaped like one. UUIDs, dossier codes, job ids and millisecond timestamps (13 digits) do not match.
 */
const PERSONAL_NUMBER = /(?<![\p{L}\p{N}_-])\+?\d{9,12}(?![\p{L}\p{N}_-])/gu;

/** What a removed number is replaced with. */
export const REDACTED = '[redacted]';

/**
 * Removes ID and phone numbers from text bound for a log, an error message or a dead letter.
 * Applied to every log line at the sink, and to every error a job fails with, so a number that
 * slips into a message (an outside system echoing its request, say) goes no further.
 */
export function scrubPersonalData(text: string): string {
  return text.replace(PERSONAL_NUMBER, REDACTED);
}

/**
 * The same error, its message and stack scrubbed (class and cause kept, so BullMQ still sees an
 * UnrecoverableError): what a job fails with becomes its dead letter's reason, in Redis.
 */
export function scrubbedError(e: unknown): Error {
  const err = e instanceof Error ? e : new Error(String(e));
  const scrubbed = { message: scrubPersonalData(err.message), stack: err.stack ? scrubPersonalData(err.stack) : undefined };
  try {
    err.message = scrubbed.message;
    if (scrubbed.stack) err.stack = scrubbed.stack;
    return err;
  } catch {
    // A read-only message (a DOMException such as fetch's TimeoutError): a plain Error saying the
    // same, without the original as its cause (that still holds the unscrubbed text).
    const copy = new Error(`${err.name}: ${scrubbed.message}`);
    if (scrubbed.stack) copy.stack = scrubbed.stack;
    return copy;
  }
}
