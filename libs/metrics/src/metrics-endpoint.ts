import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { metricsRegistry } from './metrics';
import type { SystemCollector } from './system-collector';

/** What guards a `/metrics` endpoint (README, `METRICS_TOKEN`). */
export interface MetricsAccess {
  readonly NODE_ENV: string;
  readonly METRICS_TOKEN?: string;
}

/**
 * Who may read the metrics. Outside production anyone, unless METRICS_TOKEN is set. Under
 * NODE_ENV=production only a caller with `Authorization: Bearer <METRICS_TOKEN>`, and nobody
 * while it is unset: the queue depths and per-commune counts are not for the world to read, so
 * an operator who forgot the token gets a closed endpoint, not an open one.
 */
export function metricsAccess(access: MetricsAccess, authorization: string | undefined): 'ok' | 'closed' | 'unauthorized' {
  const token = access.METRICS_TOKEN;
  if (!token) return access.NODE_ENV === 'production' ? 'closed' : 'ok';
  const [scheme, given] = (authorization ?? '').split(' ');
  if (scheme !== 'Bearer' || !given) return 'unauthorized';
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b) ? 'ok' : 'unauthorized';
}

/**
 * Answers one scrape: checks {@link metricsAccess}, refreshes the system-wide gauges (bounded in
 * time by the collector) and writes the registry in Prometheus' text format. Plain Node request
 * and response, so the API (Express) and a worker's own listener share it.
 */
export async function serveMetrics(req: IncomingMessage, res: ServerResponse, access: MetricsAccess, collector?: SystemCollector): Promise<void> {
  const refuse = (status: number, text: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
    res.end(text);
  };
  if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(405, 'GET only\n', { allow: 'GET, HEAD' });
  const verdict = metricsAccess(access, req.headers.authorization);
  if (verdict === 'closed') return refuse(403, 'metrics are closed: set METRICS_TOKEN (NODE_ENV=production)\n');
  if (verdict === 'unauthorized') return refuse(401, 'metrics need Authorization: Bearer <METRICS_TOKEN>\n', { 'www-authenticate': 'Bearer' });
  try {
    await collector?.refresh();
    const body = await metricsRegistry.metrics();
    res.writeHead(200, { 'content-type': metricsRegistry.contentType, 'cache-control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : body);
  } catch (e) {
    refuse(500, `metrics: ${e instanceof Error ? e.message : String(e)}\n`);
  }
}
