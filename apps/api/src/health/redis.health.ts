import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { type HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { Env } from '@motcua/config';
import { type RedisConnection, redisConnection, redisTarget } from '@motcua/messaging';

/** Pings Redis with its own short-timeout connection, so a dead Redis answers fast. */
@Injectable()
export class RedisHealthIndicator implements OnModuleDestroy {
  private readonly redis: RedisConnection;

  constructor(
    private readonly indicator: HealthIndicatorService,
    @Inject(Env) env: Env,
  ) {
    this.redis = redisConnection(redisTarget(env), { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 1000, enableOfflineQueue: false });
    this.redis.on('error', () => undefined); // reported through the check, not as an unhandled event
  }

  async isHealthy(key: string): Promise<HealthIndicatorResult> {
    const check = this.indicator.check(key);
    try {
      if (this.redis.status === 'wait' || this.redis.status === 'end') await this.redis.connect();
      const pong = await this.redis.ping();
      return pong === 'PONG' ? check.up() : check.down({ message: `unexpected reply ${pong}` });
    } catch (e) {
      return check.down({ message: e instanceof Error ? e.message : String(e) });
    }
  }

  onModuleDestroy(): void {
    this.redis.disconnect();
  }
}
