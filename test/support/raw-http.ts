import { Agent, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request exactly as written: the path as sent on the wire, any headers, the body's bytes. */
export interface RawRequest {
  readonly method: string;
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
}

export interface RawResponse {
  readonly status: number;
  readonly text: string;
  /** The body read as JSON, when it is. */
  readonly json: { message?: unknown; rule?: unknown; errors?: { field: string; rule: string; message: string }[] } | undefined;
}

/**
 * A client for requests supertest would rewrite (a Buffer body is turned into JSON, a path is
 * normalised): bytes that are not UTF-8, raw percent-encodings, hundreds of kilobytes. Keeps its
 * connections alive, so thousands of requests do not each open a socket.
 */
export class RawClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 16 });

  private constructor(private readonly port: number) {}

  /** Listens on an ephemeral port of 127.0.0.1 (if not yet listening) and talks to it. */
  static async of(server: Server): Promise<RawClient> {
    if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new RawClient((server.address() as AddressInfo).port);
  }

  send(r: RawRequest): Promise<RawResponse> {
    const body = r.body === undefined ? undefined : Buffer.isBuffer(r.body) ? r.body : Buffer.from(r.body, 'utf8');
    const headers = { ...(body ? { 'content-length': String(body.length) } : {}), ...r.headers };
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: this.port, method: r.method, path: r.path, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: RawResponse['json'];
          try {
            json = String(res.headers['content-type'] ?? '').includes('json') ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, text, json });
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
