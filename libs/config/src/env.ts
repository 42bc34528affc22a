import { plainToInstance, Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min, validateSync } from 'class-validator';

/**
 * Environment variables, validated at start (STYLE.md habit 7). Every process reads the same
 * set; a wrong value stops the process with a message naming the variable.
 */
export class Env {
  /** PostgreSQL connection string. */
  @IsString()
  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/motcua';

  /** PostgreSQL connections per process. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE = 20;

  /** Redis connection string for BullMQ. */
  @IsString()
  @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must be a redis:// URL' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  /** Prefix of every BullMQ key, so several deployments (or test runs) share one Redis. */
  @IsString()
  @Matches(/^[a-z0-9:_-]+$/i, { message: 'QUEUE_PREFIX may hold letters, digits, ":", "_" and "-"' })
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
  PORTAL_USERNAME = 'motcua';

  @IsString()
  PORTAL_PASSWORD = 'motcua-demo';

  /** Electronic identifier of the province's TTHC system at the portal (madonvi). */
  @IsString()
  PORTAL_UNIT_CODE = '000.00.00.H26';

  /**
   * Secret that signs the API's access tokens (HS256). The default is for development only; set
   * your own, the same for every API process.
   */
  @IsString()
  @Length(16, 512, { message: 'JWT_SECRET must be 16 to 512 characters' })
  JWT_SECRET = 'motcua-development-secret-change-me';

  /**
   * Passphrase that encrypts the communes' signing keys at rest (the private keys that sign
   * results). The default is for development only; losing it means issuing new keys.
   */
  @IsString()
  @Length(16, 512, { message: 'SIGNING_KEY_PASSPHRASE must be 16 to 512 characters' })
  SIGNING_KEY_PASSPHRASE = 'motcua-development-signing-passphrase';

  /** How often the worker looks for overdue dossiers and expired supplement deadlines the delayed jobs missed. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(100)
  DEADLINE_SWEEP_MS = 60_000;

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

  /** Public lookups allowed per client address and minute. */
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

  /** Jobs one worker process runs at once on each unit queue. */
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  @Max(256)
  WORKER_CONCURRENCY = 16;

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

  /** Benchmark only: complete every non-automatic step as soon as it is received. */
  @IsIn(['true', 'false'])
  AUTO_OFFICER = 'false';

  /** Run pending migrations when a process starts. */
  @IsIn(['true', 'false'])
  MIGRATIONS_RUN = 'true';

  @IsIn(['error', 'warn', 'log', 'debug', 'verbose'])
  LOG_LEVEL: 'error' | 'warn' | 'log' | 'debug' | 'verbose' = 'log';

  /** Emit logs as JSON lines (for log shippers) instead of coloured text. */
  @IsOptional()
  @IsIn(['true', 'false'])
  LOG_JSON = 'false';
}

/** Thrown at start when a variable is invalid; the message names each bad variable. */
export class EnvValidationError extends Error {}

/** Validates `raw` (usually process.env) and returns the typed configuration. */
export function validateEnv(raw: Record<string, unknown>): Env {
  const defined = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined && v !== ''));
  const env = plainToInstance(Env, defined, { exposeDefaultValues: true });
  const errors = validateSync(env, { skipMissingProperties: false, whitelist: false });
  if (errors.length > 0) {
    const lines = errors.map((e) => `  ${e.property}=${JSON.stringify(e.value)}: ${Object.values(e.constraints ?? {}).join('; ')}`);
    throw new EnvValidationError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return env;
}

/** Reads and validates process.env once. */
export function loadEnv(): Env {
  return validateEnv(process.env as Record<string, unknown>);
}
