import { plainToInstance, Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min, validateSync } from 'class-validator';
import { UNIT_KINDS } from '@motcua/domain';
import { createLogger } from './logger';
import { parseTrustProxy } from './trust-proxy';

/**
 * The development values of the secrets: fine on a laptop, refused under NODE_ENV=production.
 * Anyone can read them here.
 */
export const DEVELOPMENT_DEFAULTS = {
  JWT_SECRET: 'motcua-development-secret-change-me',
  SIGNING_KEY_PASSPHRASE: 'motcua-development-signing-passphrase',
  PORTAL_USERNAME: 'motcua',
  PORTAL_PASSWORD: 'motcua-demo',
} as const;

/**
 * Environment variables, validated at start (STYLE.md habit 7). Every process reads the same
 * set; a wrong value stops the process with a message naming the variable.
 */
export class Env {
  /**
   * `production` makes every process refuse the development defaults of the secrets it uses
   * (see {@link SECRET_NAMES}), refuse demo accounts, and refuse to run the stubs.
   */
  @IsOptional()
  @IsString()
  NODE_ENV = 'development';

  /** PostgreSQL connection string. */
  @IsString()
  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/motcua';

  /**
   * A streaming replica of DATABASE_URL for the supervisors' reads (indicators, the tracking
   * book), which may then lag the primary by the replica's replay delay. Unset: the primary.
   */
  @IsOptional()
  @IsString()
  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_READ_URL must be a postgres:// URL' })
  DATABASE_READ_URL?: string;

  /**
   * A direct session connection to PostgreSQL for what a transaction-mode pooler (PgBouncer) in
   * DATABASE_URL cannot carry: the outbox relay's LISTEN and the migrations' advisory lock.
   * Unset: DATABASE_URL (no pooler). See {@link directDatabaseUrl}.
   */
  @IsOptional()
  @IsString()
  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_DIRECT_URL must be a postgres:// URL' })
  DATABASE_DIRECT_URL?: string;

  /**
   * PostgreSQL connections per process (the pool's maximum; opened as needed). Unset: a worker's
   * job slots plus its fixed needs ({@link workerConnectionSlots}), so no job waits for a
   * connection. Set it lower and {@link loadEnv} warns at start.
   */
  @IsOptional()
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  @Max(1000)
  DATABASE_POOL_SIZE!: number;

  /** Redis connection string for BullMQ. */
  @IsString()
  @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must be a redis:// URL' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  /**
   * `true`: REDIS_URL names one node of a Redis Cluster (the others are discovered from it).
   * QUEUE_PREFIX must then hold a hash tag (`{motcua}`), so each queue's keys share a slot.
   */
  @IsIn(['true', 'false'])
  REDIS_CLUSTER = 'false';

  /** Prefix of every BullMQ key, so several deployments (or test runs) share one Redis; `{…}` is a cluster hash tag. */
  @IsString()
  @Matches(/^[a-z0-9:_{}-]+$/i, { message: 'QUEUE_PREFIX may hold letters, digits, ":", "_", "-" and a hash tag in braces' })
  QUEUE_PREFIX = 'motcua';

  /** Address the HTTP servers bind to; 0.0.0.0 inside a container. */
  @IsString()
  HOST = '127.0.0.1';

  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  @Max(65535)
  API_PORT = 3000;

  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  @Max(65535)
  PORTAL_STUB_PORT = 3100;

  /** Base URL of the national portal's integration adapter (the stub in development). */
  @IsString()
  @Matches(/^https?:\/\//, { message: 'PORTAL_URL must be an http(s):// URL' })
  PORTAL_URL = 'http://127.0.0.1:3100/dvcqg';

  @IsString()
  PORTAL_USERNAME: string = DEVELOPMENT_DEFAULTS.PORTAL_USERNAME;

  /** The portal's password for PORTAL_USERNAME; under NODE_ENV=production 32 characters or more. */
  @IsString()
  PORTAL_PASSWORD: string = DEVELOPMENT_DEFAULTS.PORTAL_PASSWORD;

  /** Electronic identifier of the province's TTHC system at the portal (madonvi). */
  @IsString()
  PORTAL_UNIT_CODE = '000.00.00.H26';

  /**
   * Run the portal syncer in this worker process ('false': not here, e.g. to keep it to some
   * workers). Any number of workers may run it at once: they take disjoint dossiers.
   */
  @IsIn(['true', 'false'])
  PORTAL_SYNC = 'true';

  /**
   * How often an idle portal syncer looks for dossiers due for the portal (one cheap indexed
   * query); what the commands mark meanwhile is coalesced per dossier and batched.
   */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(20)
  @Max(60_000)
  PORTAL_SYNC_POLL_MS = 500;

  /** Dossiers per portal sync round: their headers go in one DongBoHoSoMC, their progress rows in one CapNhatTienDoHoSoMC. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  @Max(1000)
  PORTAL_SYNC_BATCH = 100;

  /** First retry delay of a dossier whose portal sync failed; doubles per failed attempt up to PORTAL_SYNC_MAX_BACKOFF_MS, retried for as long as it takes. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(10)
  PORTAL_SYNC_BACKOFF_MS = 1000;

  /** The longest wait between two attempts of a failing portal sync (default an hour). */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(10)
  PORTAL_SYNC_MAX_BACKOFF_MS = 3_600_000;

  /**
   * How long a portal syncer's claim on its dossiers keeps other syncers off them: those of a
   * worker killed mid-round wait this long, then another syncer sends them. A round starts no
   * call that could outlast it, so it must leave room for a few calls at PORTAL_TIMEOUT_MS.
   */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1000)
  PORTAL_SYNC_LEASE_MS = 120_000;

  /** Time limit of one call to the portal (connection, answer and body). */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(100)
  @Max(120_000)
  PORTAL_TIMEOUT_MS = 10_000;

  /**
   * Secret that signs the API's access tokens (HS256). The default is for development only; set
   * your own, the same for every API process.
   */
  @IsString()
  @Length(16, 512, { message: 'JWT_SECRET must be 16 to 512 characters' })
  JWT_SECRET: string = DEVELOPMENT_DEFAULTS.JWT_SECRET;

  /**
   * Passphrase that encrypts the communes' signing keys at rest (the private keys that sign
   * results). The default is for development only; losing it means issuing new keys.
   */
  @IsString()
  @Length(16, 512, { message: 'SIGNING_KEY_PASSPHRASE must be 16 to 512 characters' })
  SIGNING_KEY_PASSPHRASE: string = DEVELOPMENT_DEFAULTS.SIGNING_KEY_PASSPHRASE;

  /** How often the worker looks for overdue dossiers and expired supplement deadlines the delayed jobs missed. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(100)
  DEADLINE_SWEEP_MS = 60_000;

  /** How often the worker fires the due reminders of the timer table (step and dossier deadlines, supplement deadlines). */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(50)
  DEADLINE_TIMER_POLL_MS = 1_000;

  /** How often the worker's projector applies new events to the read models (rollups, dossier list, live counters). */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(50)
  @Max(600_000)
  PROJECTION_POLL_MS = 1_000;

  /** Events per projector batch: each projection applies one batch and moves its cursor in one transaction. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  @Max(100_000)
  PROJECTION_BATCH = 1_000;

  /**
   * How long the API trusts what it read of a token's user (active, token version): a
   * deactivated account or a change of its roles stops its tokens within this long. 0: read every time.
   */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(0)
  @Max(300_000)
  AUTH_CACHE_MS = 5000;

  /**
   * Which proxies in front of the API to believe about the client's address (X-Forwarded-For),
   * for the rate limits and the audit log: `false` (none, the default: the address is the TCP
   * peer's), a number of hops, or a comma-separated list of addresses, subnets (CIDR) or the
   * names `loopback`, `linklocal`, `uniquelocal`. `true` (trust anyone) is refused.
   */
  @IsString()
  TRUST_PROXY = 'false';

  /** Lifetime of an access token, in seconds (a working day by default). */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(60)
  AUTH_TOKEN_TTL_S = 9 * 3600;

  /** Failed or successful logins allowed per client address and username in 15 minutes. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  LOGIN_RATE_LIMIT = 10;

  /** Requests to the public pages (lookup, signature verification) allowed per client address and minute. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  LOOKUP_RATE_LIMIT = 10;

  /** Units this worker process consumes: `all` or a comma-separated list of unit codes. */
  @IsString()
  UNITS = 'all';

  /** Root URL of the payment, population-database and BHXH stand-ins (the stub in development). */
  @IsString()
  @Matches(/^https?:\/\//, { message: 'STUBS_URL must be an http(s):// URL' })
  STUBS_URL = 'http://127.0.0.1:3100';

  /**
   * Jobs one worker process runs at once on each unit queue it consumes. Each running job holds
   * at most one connection; the default pool is sized from this (docs/operations.md, "Sizing").
   */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  @Max(256)
  WORKER_CONCURRENCY = 4;

  /**
   * How long a job stays locked to its worker; a worker that dies is noticed after about this
   * long and its job goes to another (BullMQ stalled-job check).
   */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(500)
  JOB_LOCK_MS = 30_000;

  /** Tries of a job before it lands in the dead-letter list. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  @Max(100)
  JOB_ATTEMPTS = 8;

  /** First retry delay; each retry doubles it (exponential backoff). */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(10)
  JOB_BACKOFF_MS = 1000;

  /** An electronic hand-off not received this long after it was sent is sent again. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(100)
  HANDOFF_RESEND_AFTER_MS = 300_000;

  /** Sent outbox rows are purged this long after they were sent (default 7 days). */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(60_000)
  OUTBOX_RETENTION_MS = 7 * 24 * 3600 * 1000;

  /**
   * How often a worker vacuums the hot path's tables (outbox, deadline timers, portal cursors),
   * besides after a purge that caught up, so the relay's claim stays cheap without autovacuum;
   * 0 leaves it to autovacuum.
   */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(0)
  OUTBOX_VACUUM_MS = 60_000;

  /** Tries of an outbox row Redis refuses (while it answers) before the row is marked dead. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  @Max(100)
  OUTBOX_MAX_ATTEMPTS = 10;

  /**
   * How long a relay's claim on the outbox rows it is sending keeps other relays off them: the
   * rows of a relay killed mid-batch wait this long, then another sends them (BullMQ drops the
   * duplicate job id). Longer than any add to Redis takes.
   */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(500)
  OUTBOX_CLAIM_MS = 30_000;

  /** First retry delay of a refused outbox row; doubles per attempt, at most an hour. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(10)
  OUTBOX_BACKOFF_MS = 1000;

  /** Benchmark only: complete every non-automatic step as soon as it is received. */
  @IsIn(['true', 'false'])
  AUTO_OFFICER = 'false';

  /** Run pending migrations when a process starts. */
  @IsIn(['true', 'false'])
  MIGRATIONS_RUN = 'true';

  @IsIn(['error', 'warn', 'log', 'debug', 'verbose'])
  LOG_LEVEL: 'error' | 'warn' | 'log' | 'debug' | 'verbose' = 'log';

  /**
   * Port of a worker's Prometheus listener (`/metrics` on HOST); 0: no listener. Each worker
   * process needs its own port: in one container per worker the default is fine, several
   * workers on one host take one each (a taken port is logged and that worker runs without it).
   * The API serves `/metrics` on API_PORT instead.
   */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(0)
  @Max(65535)
  METRICS_PORT = 9464;

  /**
   * Bearer token a scrape of `/metrics` (API and workers) must send. Under NODE_ENV=production
   * the endpoints are closed (403) while it is unset, and it must be 32 characters or more.
   */
  @IsOptional()
  @IsString()
  METRICS_TOKEN?: string;

  /**
   * The deployment-wide operators who may open the queue board (`/admin/queues`): a
   * comma-separated list of usernames, each also holding the `admin` role. The queues are shared
   * by every commune, so a commune's administrator is not enough; unset, nobody may open it.
   */
  @IsOptional()
  @IsString()
  QUEUE_BOARD_ADMINS?: string;

  /** Emit logs as JSON lines (for log shippers) instead of coloured text. */
  @IsOptional()
  @IsIn(['true', 'false'])
  LOG_JSON = 'false';
}

/** Thrown at start when a variable is invalid; the message names each bad variable. */
export class EnvValidationError extends Error {}

/** The secrets a process may need; each process names those it uses (see {@link loadEnv}). */
export const SECRET_NAMES = ['JWT_SECRET', 'SIGNING_KEY_PASSPHRASE', 'PORTAL_USERNAME', 'PORTAL_PASSWORD'] as const;
export type SecretName = (typeof SECRET_NAMES)[number];

/** Secrets shorter than this are refused under NODE_ENV=production (the portal's username excepted). */
export const PRODUCTION_SECRET_LENGTH = 32;

/** What a process checks at start. */
export interface EnvRequirements {
  /** The secrets this process uses: under NODE_ENV=production each must be set, not a default, long enough. */
  readonly secrets?: readonly SecretName[];
}

/**
 * Under NODE_ENV=production, the development defaults of the secrets a process uses are refused,
 * and so is any of them shorter than {@link PRODUCTION_SECRET_LENGTH} characters (the portal's
 * username is only checked against its default): one line per variable.
 */
function productionSecretProblems(env: Env, secrets: readonly SecretName[]): string[] {
  if (env.NODE_ENV !== 'production') return [];
  return secrets.flatMap((name) => {
    const value = env[name];
    if (value === DEVELOPMENT_DEFAULTS[name]) return [`  ${name}: still the development default; set your own for NODE_ENV=production`];
    if (name !== 'PORTAL_USERNAME' && value.length < PRODUCTION_SECRET_LENGTH) {
      return [`  ${name}: ${value.length} characters; NODE_ENV=production needs ${PRODUCTION_SECRET_LENGTH} or more`];
    }
    return [];
  });
}

/** Validates `raw` (usually process.env) and returns the typed configuration. */
export function validateEnv(raw: Record<string, unknown>, requirements: EnvRequirements = {}): Env {
  const defined = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined && v !== ''));
  const env = plainToInstance(Env, defined, { exposeDefaultValues: true });
  const errors = validateSync(env, { skipMissingProperties: false, whitelist: false });
  const lines = errors.map((e) => `  ${e.property}=${JSON.stringify(e.value)}: ${Object.values(e.constraints ?? {}).join('; ')}`);
  const invalid = new Set(errors.map((e) => e.property));
  if (!invalid.has('TRUST_PROXY') && parseTrustProxy(env.TRUST_PROXY) === undefined) {
    lines.push(`  TRUST_PROXY=${JSON.stringify(env.TRUST_PROXY)}: not false, a hop count, or a list of addresses and subnets`);
  }
  if (!invalid.has('PORTAL_SYNC_LEASE_MS') && !invalid.has('PORTAL_TIMEOUT_MS') && env.PORTAL_SYNC_LEASE_MS < 5 * env.PORTAL_TIMEOUT_MS) {
    lines.push(`  PORTAL_SYNC_LEASE_MS=${env.PORTAL_SYNC_LEASE_MS}: at least 5 × PORTAL_TIMEOUT_MS (${5 * env.PORTAL_TIMEOUT_MS}), so a round's calls end within its claim`);
  }
  if (!invalid.has('QUEUE_PREFIX') && env.REDIS_CLUSTER === 'true' && !/\{[^{}]+\}/.test(env.QUEUE_PREFIX)) {
    lines.push(`  QUEUE_PREFIX=${JSON.stringify(env.QUEUE_PREFIX)}: on a Redis Cluster (REDIS_CLUSTER=true) it must hold a hash tag, e.g. {motcua}`);
  }
  if (env.NODE_ENV === 'production' && env.METRICS_TOKEN !== undefined && env.METRICS_TOKEN.length < PRODUCTION_SECRET_LENGTH) {
    lines.push(`  METRICS_TOKEN: ${env.METRICS_TOKEN.length} characters; NODE_ENV=production needs ${PRODUCTION_SECRET_LENGTH} or more`);
  }
  lines.push(...productionSecretProblems(env, (requirements.secrets ?? []).filter((name) => !invalid.has(name))));
  if (lines.length > 0) throw new EnvValidationError(`Invalid configuration:\n${lines.join('\n')}`);
  env.DATABASE_POOL_SIZE ??= workerConnectionSlots(env);
  return env;
}

/**
 * Reads and validates process.env once. A worker (UNITS set) whose DATABASE_POOL_SIZE is set
 * below its {@link workerConnectionSlots} is told so at start: its jobs would queue for connections.
 */
export function loadEnv(requirements: EnvRequirements = {}): Env {
  const env = validateEnv(process.env as Record<string, unknown>, requirements);
  const warning = poolShortfall(env, process.env);
  if (warning) createLogger(appName(), env).warn({ context: 'Config' }, warning);
  return env;
}

/**
 * Connections a worker process holds at most besides its unit jobs: the consumers of the old
 * `portal-sync` and `deadlines` queues (4 jobs each), the outbox relay, the recovery sweeper,
 * the deadline sweep and its timer firing, and the portal syncer (one each). Keep in step with
 * apps/worker/src/worker.service.ts. The relay's LISTEN is a connection of its own, outside the pool.
 */
export const WORKER_FIXED_CONNECTIONS = 13;

/** How many unit queues `UNITS` names (`all`: every unit kind). */
export function unitQueueCount(units: string): number {
  if (units.trim() === 'all') return UNIT_KINDS.length;
  return new Set(units.split(',').map((u) => u.trim()).filter(Boolean)).size;
}

/**
 * The most connections a worker process uses at once: each of its running unit jobs holds one
 * (UNITS × WORKER_CONCURRENCY), plus {@link WORKER_FIXED_CONNECTIONS}. The default pool size.
 */
export function workerConnectionSlots(env: Pick<Env, 'UNITS' | 'WORKER_CONCURRENCY'>): number {
  return unitQueueCount(env.UNITS) * env.WORKER_CONCURRENCY + WORKER_FIXED_CONNECTIONS;
}

/**
 * The warning for a worker whose pool is set smaller than its job slots, or undefined. Only when
 * `raw` sets UNITS (a worker; an API process has no unit jobs) and sets DATABASE_POOL_SIZE.
 */
export function poolShortfall(env: Env, raw: Record<string, unknown>): string | undefined {
  const set = (name: string) => raw[name] !== undefined && raw[name] !== '';
  if (!set('UNITS') || !set('DATABASE_POOL_SIZE')) return undefined;
  const slots = workerConnectionSlots(env);
  if (env.DATABASE_POOL_SIZE >= slots) return undefined;
  return (
    `DATABASE_POOL_SIZE=${env.DATABASE_POOL_SIZE} is below this worker's ${slots} connection slots ` +
    `(${unitQueueCount(env.UNITS)} unit queue(s) × WORKER_CONCURRENCY ${env.WORKER_CONCURRENCY} + ${WORKER_FIXED_CONNECTIONS} for the relay, sweepers and other consumers): ` +
    'jobs will wait for a connection. Unset DATABASE_POOL_SIZE to size the pool from them, or lower WORKER_CONCURRENCY (docs/operations.md, "Sizing").'
  );
}

/**
 * The URL for a session that must stay on one PostgreSQL backend (LISTEN, session advisory
 * locks): DATABASE_DIRECT_URL, or DATABASE_URL when no pooler stands in front.
 */
export function directDatabaseUrl(env: Pick<Env, 'DATABASE_URL' | 'DATABASE_DIRECT_URL'>): string {
  return env.DATABASE_DIRECT_URL ?? env.DATABASE_URL;
}

/** The process's app name for its start-up lines (dist/apps/<app>/…), as its logger names it. */
function appName(): string {
  return /[\\/]apps[\\/]([a-z-]+)[\\/]/.exec(process.argv[1] ?? '')?.[1] ?? 'motcua';
}
