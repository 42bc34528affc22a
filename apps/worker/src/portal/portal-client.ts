import { postText } from '@motcua/connectors';

/**
 * The portal answered with an error code; the job is retried with backoff. Only the code is
 * kept: the portal's message is its own text and may echo the dossier's personal data.
 */
export class PortalError extends Error {
  constructor(
    readonly errorCode: string,
    what: string,
  ) {
    super(`portal error ${errorCode.slice(0, 32)} (${what})`);
  }
}

export interface PortalClientOptions {
  readonly baseUrl: string;
  readonly username: string;
  readonly password: string;
  readonly unitCode: string;
  readonly timeoutMs: number;
}

type Reply = { error_code?: string | number; message?: string; session?: string; result?: unknown[] };

/**
 * Client of the national portal's integration adapter: a session from `auth`, then services
 * POSTed to `integration` (DongBoHoSoMC, CapNhatTienDoHoSoMC). A lost session is renewed once.
 */
export class PortalClient {
  private session?: string;

  constructor(private readonly o: PortalClientOptions) {}

  /** Creates the dossier, or updates it when the portal already has it. */
  async syncDossier(header: Record<string, unknown>): Promise<void> {
    const created = await this.call('DongBoHoSoMC', { isUpdating: 'False', data: [header] });
    if (String(created.error_code) === '00') return;
    if (String(created.error_code) === '3') {
      const updated = await this.call('DongBoHoSoMC', { isUpdating: 'True', data: [header] });
      if (String(updated.error_code) === '00') return;
      throw new PortalError(String(updated.error_code), 'DongBoHoSoMC update');
    }
    throw new PortalError(String(created.error_code), 'DongBoHoSoMC');
  }

  async appendProgress(items: Record<string, unknown>[]): Promise<void> {
    const r = await this.call('CapNhatTienDoHoSoMC', { data: items });
    if (String(r.error_code) !== '00') throw new PortalError(String(r.error_code), 'CapNhatTienDoHoSoMC');
  }

  private async call(service: string, params: Record<string, unknown>): Promise<Reply> {
    const body = async (): Promise<Reply> =>
      this.post('integration', { session: await this.login(), madonvi: this.o.unitCode, service, ...params });
    const first = await body();
    if (String(first.error_code) !== '-2') return first;
    this.session = undefined; // session expired: log in again, once
    return body();
  }

  private async login(): Promise<string> {
    if (this.session) return this.session;
    const r = await this.post('auth', { username: this.o.username, password: this.o.password });
    if (String(r.error_code) !== '0' || !r.session) throw new PortalError(String(r.error_code), 'auth refused');
    this.session = r.session;
    return r.session;
  }

  private async post(path: string, payload: unknown): Promise<Reply> {
    const res = await postText(`${this.o.baseUrl}/${path}`, payload, this.o.timeoutMs);
    if (res.status < 200 || res.status > 299) throw new PortalError(`HTTP ${res.status}`, path);
    return JSON.parse(res.text) as Reply;
  }
}
