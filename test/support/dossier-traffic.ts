import { DEMO_PASSWORD } from '@motcua/catalog';
import { type DossierRequest, dossierRequest, registerCitizens } from '../../bench/engine-load';

/** An outage the campaign causes on purpose; answers during it are judged against it. */
export type Outage = 'api' | 'postgres' | 'redis';

/** One intake request and what became of it, as the client saw it. */
export interface Submission {
  readonly request: DossierRequest;
  /** The fault running when it was sent. */
  readonly fault: string;
  /** `acknowledged`: 201 with the dossier's id; `refused`: any other HTTP answer; `no-answer`: none. */
  answer: 'pending' | 'acknowledged' | 'refused' | 'no-answer';
  status?: number;
  id?: string;
  /** Outages that were on while the request was out (at sending or at answering). */
  outages: Outage[];
}

/** What the API answered, over the whole campaign. */
export interface TrafficCounts {
  requests: number;
  /** 5xx that no outage of PostgreSQL or Redis explains: every 500, and 502–504 while both were up. */
  unexpected5xx: number;
  status500: number;
  /** 503 while PostgreSQL or Redis was down: the honest answer then. */
  expected503: number;
  /** No answer (connection refused or cut) while the API process was killed. */
  noAnswerApiDown: number;
  /** No answer within the client's timeout, or a cut connection, while the API process ran. */
  noAnswerOther: number;
  /** Answers by status. */
  byStatus: Record<number, number>;
}

/** Every demo office's commune (libs/catalog/src/demo-commune.ts): its desk account files there. */
const OFFICE_COMMUNE: Readonly<Record<string, string>> = { 'H26.01.01': '26734', 'H26.01.02': '26734', 'H26.02.01': '26737' };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Real intake traffic against a running API process: dossiers of several procedures (bench's mix,
 * see bench/engine-load.ts) spread over the demo offices, each with its own applicant, so a
 * dossier is found again by its applicant's name whatever the client heard back. Requests are
 * never retried: a retry without an idempotency key could file a dossier twice, which is the
 * client's doing, not the engine's.
 */
export class DossierTraffic {
  readonly submissions: Submission[] = [];
  readonly counts: TrafficCounts = { requests: 0, unexpected5xx: 0, status500: 0, expected503: 0, noAnswerApiDown: 0, noAnswerOther: 0, byStatus: {} };
  private readonly outages = new Set<Outage>();
  private readonly tokens = new Map<string, string>();
  /** The stop() of every paced flow still running. */
  private readonly flows = new Set<() => Promise<void>>();
  private next = 0;

  constructor(
    readonly apiUrl: string,
    private readonly stubUrl: string,
    private readonly procedures: readonly string[],
  ) {}

  /** Signs in the desk account of every demo commune (once: tokens outlive an API restart). */
  async signIn(): Promise<void> {
    for (const commune of new Set(Object.values(OFFICE_COMMUNE))) {
      const username = `motcua.${commune}`;
      const res = await fetch(`${this.apiUrl}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: DEMO_PASSWORD }),
      });
      if (res.status !== 200) throw new Error(`login ${username}: HTTP ${res.status} ${await res.text()}`);
      this.tokens.set(commune, ((await res.json()) as { accessToken: string }).accessToken);
    }
  }

  /** Marks an outage as on until the returned function is called. */
  begin(outage: Outage): () => void {
    this.outages.add(outage);
    for (const s of this.submissions) if (s.answer === 'pending' && !s.outages.includes(outage)) s.outages.push(outage);
    return () => this.outages.delete(outage);
  }

  /** Sends one dossier and records what came back. */
  async submit(fault: string): Promise<Submission> {
    const request = dossierRequest(this.next++, this.procedures);
    const s: Submission = { request, fault, answer: 'pending', outages: [...this.outages] };
    this.submissions.push(s);
    // The identity check asks the population stub about the applicant: it must know them.
    await registerCitizens(this.stubUrl, [request]);
    this.counts.requests += 1;
    try {
      const res = await fetch(`${this.apiUrl}/api/dossiers`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.tokens.get(OFFICE_COMMUNE[request.officeCode])}` },
        body: JSON.stringify(request),
        signal: AbortSignal.timeout(20_000),
      });
      const body = (await res.json().catch(() => ({}))) as { id?: string };
      this.judge(s, res.status);
      if (res.status === 201 && body.id) {
        s.answer = 'acknowledged';
        s.id = body.id;
      } else {
        s.answer = 'refused';
      }
    } catch {
      this.noAnswer(s);
    }
    return s;
  }

  /** `count` dossiers, `concurrency` requests in flight at a time. */
  async burst(fault: string, count: number, concurrency: number): Promise<void> {
    let left = count;
    const lane = async (): Promise<void> => {
      while (left-- > 0) await this.submit(fault);
    };
    await Promise.all(Array.from({ length: Math.min(count, concurrency) }, lane));
  }

  /**
   * Open-loop arrivals: one dossier every `intervalMs`, `limit` of them at most, until stop() is
   * called. At most 8 are out at a time, so an outage that makes the API slow does not pile up
   * hundreds of requests. `finished` resolves once `limit` were sent and answered; stop() resolves
   * when every request sent has its answer.
   */
  paced(fault: string, intervalMs: number, limit = Number.POSITIVE_INFINITY): { stop: () => Promise<void>; finished: Promise<void> } {
    let running = true;
    let sent = 0;
    const inFlight = new Set<Promise<void>>();
    const loop = (async () => {
      while (running && sent < limit) {
        if (inFlight.size < 8) {
          sent += 1;
          const p: Promise<void> = this.submit(fault).then(() => void inFlight.delete(p));
          inFlight.add(p);
        }
        await sleep(intervalMs);
      }
    })();
    const answered = async () => {
      await loop;
      await Promise.all([...inFlight]);
    };
    const stop = async () => {
      running = false;
      this.flows.delete(stop);
      await answered();
    };
    this.flows.add(stop);
    return { finished: answered(), stop };
  }

  /** Stops every paced flow (a test that failed half-way leaves none sending behind it). */
  async stopAll(): Promise<void> {
    await Promise.all([...this.flows].map((stop) => stop()));
  }

  /** How many requests have been answered 201 so far. */
  acknowledged(fault?: string): number {
    return this.submissions.filter((s) => s.answer === 'acknowledged' && (fault === undefined || s.fault === fault)).length;
  }

  private judge(s: Submission, status: number): void {
    for (const o of this.outages) if (!s.outages.includes(o)) s.outages.push(o);
    s.status = status;
    this.counts.byStatus[status] = (this.counts.byStatus[status] ?? 0) + 1;
    if (status < 500) return;
    const backendDown = s.outages.includes('postgres') || s.outages.includes('redis');
    if (status === 500) this.counts.status500 += 1;
    if (status === 503 && backendDown) this.counts.expected503 += 1;
    else this.counts.unexpected5xx += 1;
  }

  private noAnswer(s: Submission): void {
    for (const o of this.outages) if (!s.outages.includes(o)) s.outages.push(o);
    s.answer = 'no-answer';
    if (s.outages.includes('api')) this.counts.noAnswerApiDown += 1;
    else this.counts.noAnswerOther += 1;
  }
}
