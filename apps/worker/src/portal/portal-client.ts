import { postText } from '@motcua/connectors';

/**
 * The portal did not take a call; the syncer tries again with backoff. Only the code is kept:
 * the portal's message is its own text and may echo the dossier's personal data.
 * `refusal`: the portal answered and refused what it was sent (an error code other than its
 * system error), so one dossier of a batch may be at fault; otherwise it is down or refused us
 * (HTTP status, session, system error) and every dossier of the batch waits alike.
 */
export class PortalError extends Error {
  constructor(
    readonly errorCode: string,
    what: string,
    readonly refusal = false,
  ) {
    super(`portal error ${errorCode.slice(0, 32)} (${what})`);
  }
}

/** The portal's own failure ("Lỗi hệ thống"), as opposed to a refusal of what it was sent. */
const SYSTEM_ERROR = '-1';
/** A dossier's header the portal is to store: created when it does not have it yet, else updated. */
export interface PortalHeader {
  readonly header: Record<string, unknown>;
  /** The portal took this dossier's header before: update it. */
  readonly known: boolean;
}

const refused = (code: string, what: string) => new PortalError(code, what, code !== SYSTEM_ERROR);

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

  /**
   * Stores a batch of dossier headers (DongBoHoSoMC takes `data[]`): the new ones created in one
   * call, the known ones updated in another. The portal takes or refuses a call whole; when a
   * create meets a dossier it already has (its earlier answer was lost) or an update one it
   * lacks, that group goes again dossier by dossier, each the other way round when the portal
   * says so.
   */
  async syncDossiers(headers: readonly PortalHeader[]): Promise<void> {
    await this.storeGroup(headers.filter((h) => !h.known).map((h) => h.header), false);
    await this.storeGroup(headers.filter((h) => h.known).map((h) => h.header), true);
  }

  /** Appends progress rows (CapNhatTienDoHoSoMC), in the order given, in one call. */
  async appendProgress(items: Record<string, unknown>[]): Promise<void> {
    if (items.length === 0) return;
    const r = await this.call('CapNhatTienDoHoSoMC', { data: items });
    if (String(r.error_code) !== '00') throw refused(String(r.error_code), 'CapNhatTienDoHoSoMC');
  }

  private async storeGroup(headers: Record<string, unknown>[], update: boolean): Promise<void> {
    if (headers.length === 0 || (await this.store(headers, update))) return;
    for (const h of headers) {
      if (headers.length > 1 && (await this.store([h], update))) continue;
      if (!(await this.store([h], !update))) throw new PortalError(update ? '4' : '3', 'DongBoHoSoMC, either way', true);
    }
  }

  /** True when stored; false when the portal has ("3", on a create) or lacks ("4", on an update) one of them. */
  private async store(data: Record<string, unknown>[], update: boolean): Promise<boolean> {
    const r = await this.call('DongBoHoSoMC', { isUpdating: update ? 'True' : 'False', data });
    const code = String(r.error_code);
    if (code === '00') return true;
    if (code === (update ? '4' : '3')) return false;
    throw refused(code, update ? 'DongBoHoSoMC update' : 'DongBoHoSoMC');
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
