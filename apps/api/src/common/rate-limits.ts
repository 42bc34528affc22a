import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { type IncrementResponse, MemoryStore, type Options, rateLimit, type RateLimitRequestHandler, type Store } from 'express-rate-limit';
import type { Request } from 'express';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import { Env } from '@motcua/config';
import { producerConnection, type RedisConnection, redisTarget } from '@motcua/messaging';

/** After Redis fails, how long the limiters count in memory before they try Redis again. */
const REDIS_RETRY_MS = 5000;

/**
 * Counts in Redis, so every API replica shares one budget per client; while Redis is unreachable
 * it counts in this process's memory instead (each replica then limits on its own), and tries
 * Redis again every few seconds. A limiter that failed open would let guessing through during an
 * outage; one that failed closed would lock every officer out of signing in.
 */
class SharedStore implements Store {
  readonly localKeys = false;
  private readonly memory = new MemoryStore();
  private options?: Options;
  private redisUntil = 0;
  private redisDown = true;

  constructor(
    private readonly redis: RedisStore,
    readonly prefix: string,
    private readonly logger: Logger,
  ) {}

  init(options: Options): void {
    this.options = options;
    this.memory.init(options);
    void this.connect();
  }

  async increment(key: string): Promise<IncrementResponse> {
    if (this.redisDown && Date.now() >= this.redisUntil) await this.connect();
    if (!this.redisDown) {
      try {
        return await this.redis.increment(key);
      } catch (e) {
        this.failed(e);
      }
    }
    return this.memory.increment(key);
  }

  async decrement(key: string): Promise<void> {
    await Promise.allSettled([this.redis.decrement(key), this.memory.decrement(key)]);
  }

  async resetKey(key: string): Promise<void> {
    await Promise.allSettled([this.redis.resetKey(key), this.memory.resetKey(key)]);
  }

  /** (Re)loads the store's scripts into Redis; a failure leaves the memory count in charge. */
  private async connect(): Promise<void> {
    if (!this.options) return;
    this.redisUntil = Date.now() + REDIS_RETRY_MS;
    try {
      await this.redis.init(this.options);
      if (this.redisDown) this.logger.log(`rate limit ${this.prefix}: counting in Redis`);
      this.redisDown = false;
    } catch (e) {
      this.failed(e);
    }
  }

  private failed(e: unknown): void {
    if (!this.redisDown) this.logger.warn(`rate limit ${this.prefix}: Redis unreachable (${e instanceof Error ? e.message : String(e)}); counting in memory`);
    this.redisDown = true;
    this.redisUntil = Date.now() + REDIS_RETRY_MS;
  }
}

/** One limiter's settings. */
export interface LimitOptions {
  /** Names the limiter's keys in Redis. */
  readonly name: string;
  readonly windowMs: number;
  readonly limit: number;
  /** The Vietnamese answer of a 429. */
  readonly message: string;
  /** The client key; the client's address (an IPv6 /56 counts as one) by default. */
  readonly key?: (req: Request) => string;
}

/**
 * The API's rate limiters, their counts shared by every API replica through Redis (under the
 * deployment's QUEUE_PREFIX). Clients are told apart by `req.ip`, which TRUST_PROXY makes the
 * real client's address behind a reverse proxy.
 */
@Injectable()
export class RateLimits implements OnApplicationShutdown {
  private readonly logger = new Logger('RateLimit');
  private readonly redis: RedisConnection;

  constructor(@Inject(Env) private readonly env: Env) {
    // Commands wait for a connection being (re)made, but never longer than a second: a login
    // during a Redis outage is counted in memory instead of hanging.
    this.redis = producerConnection(redisTarget(env), { enableOfflineQueue: true, commandTimeout: 1000 });
  }

  limiter(o: LimitOptions): RateLimitRequestHandler {
    const prefix = `${this.env.QUEUE_PREFIX}:rl:${o.name}:`;
    const redis = new RedisStore({ prefix, sendCommand: (command: string, ...args: string[]) => this.redis.call(command, ...args) as Promise<RedisReply> });
    return rateLimit({
      windowMs: o.windowMs,
      limit: o.limit,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      store: new SharedStore(redis, prefix, this.logger),
      ...(o.key ? { keyGenerator: o.key } : {}),
      // TRUST_PROXY decides whether X-Forwarded-For is believed; the limiter need not warn about it.
      validate: { xForwardedForHeader: false },
      handler: (_req, res) => res.status(429).json({ statusCode: 429, rule: 'RATE_LIMITED', message: o.message }),
    });
  }

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }
}
