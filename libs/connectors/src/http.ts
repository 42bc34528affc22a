import { Agent, request } from 'undici';
import { ConnectorError, type ConnectorSystem } from './connector-error';

/**
 * One keep-alive connection pool per process for every outside system (portal, payment,
 * population database, BHXH): a call reuses a warm socket instead of opening one, and undici's
 * `request` skips the WHATWG streams `fetch` builds (about a third of the CPU per call).
 */
export const OUTSIDE_SYSTEMS = new Agent({ keepAliveTimeout: 10_000, connections: 64 });

/** A POST of JSON to an outside system over {@link OUTSIDE_SYSTEMS}: the status and the whole body as text, both under `timeoutMs`. */
export async function postText(url: string, body: unknown, timeoutMs: number, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  const signal = AbortSignal.timeout(timeoutMs);
  const res = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify(body),
    dispatcher: OUTSIDE_SYSTEMS,
    signal,
  });
  return { status: res.statusCode, text: await res.body.text() }; // under the same signal: a stalled body times out too
}

/** How a client reaches its system: the stub's (or the real system's) root URL and a per-call time limit. */
export interface ConnectorOptions {
  /** Root URL, e.g. `http://127.0.0.1:3100`; the client appends its own path. */
  baseUrl: string;
  /** Abort the call (headers and body) after this many milliseconds. */
  timeoutMs: number;
}

/** A JSON object from a 2xx answer, before its shape is checked. */
export type JsonObject = Record<string, unknown>;

/** Reads a system's answer: the typed value, or undefined when the object lacks what the system promises. */
export type AnswerReader<T> = (answer: JsonObject) => T | undefined;

/** Validates options once, at construction, so a misconfigured client fails at start and not per job. */
export function checkOptions(system: ConnectorSystem, options: ConnectorOptions): ConnectorOptions {
  let url: URL;
  try {
    url = new URL(options.baseUrl);
  } catch {
    throw new TypeError(`${system}: baseUrl is not a URL: ${options.baseUrl}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`${system}: baseUrl must be http(s)`);
  if (!Number.isFinite(options.timeoutMs) || options.timeoutMs <= 0) throw new TypeError(`${system}: timeoutMs must be positive`);
  return { baseUrl: options.baseUrl.replace(/\/+$/, ''), timeoutMs: options.timeoutMs };
}

/**
 * POSTs `body` as JSON and returns the answer as `read` types it. Every way of not getting a 2xx
 * JSON object that `read` accepts throws a {@link ConnectorError}.
 */
export async function postJson<T>(
  system: ConnectorSystem,
  options: ConnectorOptions,
  path: string,
  body: unknown,
  read: AnswerReader<T>,
): Promise<T> {
  const url = `${options.baseUrl}${path}`;
  let res: { status: number; text: string };
  try {
    res = await postText(url, body, options.timeoutMs);
  } catch (e) {
    // By name, not instanceof: the DOMException may come from another realm (a test sandbox, say).
    const name = typeof e === 'object' && e !== null ? (e as { name?: unknown }).name : undefined;
    const timedOut = name === 'TimeoutError' || name === 'AbortError';
    throw timedOut
      ? new ConnectorError(system, 'timeout', undefined, `${system}: no answer from ${url} within ${options.timeoutMs} ms`, undefined, { cause: e })
      : new ConnectorError(system, 'network', undefined, `${system}: cannot reach ${url}: ${String(e)}`, undefined, { cause: e });
  }
  // The answer's body is the outside system's to say, and may echo the personal data it was
  // sent: errors name the status and the system's error code, never its text.
  const { text } = res;
  const json = parseObject(text);
  if (res.status < 200 || res.status > 299) {
    const code = typeof json?.error === 'string' ? json.error.slice(0, 64) : undefined;
    throw new ConnectorError(system, 'http', res.status, `${system}: HTTP ${res.status} from ${url}${code ? ` (error ${code})` : ''}`, code);
  }
  const answer = json ? read(json) : undefined;
  if (answer === undefined) {
    throw new ConnectorError(system, 'malformed', res.status, `${system}: malformed answer from ${url} (${text.length} bytes)`);
  }
  return answer;
}

/** True for a string that `Date` reads as an instant (ISO 8601 as the systems send it). */
export function isTimestamp(v: unknown): v is string {
  return typeof v === 'string' && v !== '' && !Number.isNaN(Date.parse(v));
}

function parseObject(text: string): JsonObject | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as JsonObject) : undefined;
  } catch {
    return undefined;
  }
}
