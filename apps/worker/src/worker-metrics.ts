import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { Env } from '@motcua/config';
import { producerConnection, QueueRegistry, redisTarget } from '@motcua/messaging';
import { instrumentCommandBus, MetricsServer, SystemCollector } from '@motcua/metrics';
import { Clock } from '@motcua/workflow';

/** Longest a stop waits for the listener and the collector's Redis connection. */
const CLOSE_MS = 1_000;

/**
 * A worker's Prometheus endpoint (README, "Metrics"): `/metrics` on its own listener at
 * METRICS_PORT (0: none), the command counter on its bus, and the system-wide gauges read at
 * scrape time through a Redis connection of its own (never the consumers'). The hand-off
 * counters and latency are counted by the unit consumers (worker.service.ts).
 */
@Injectable()
export class WorkerMetrics implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Metrics');
  private server?: MetricsServer;
  private queues?: QueueRegistry;

  constructor(
    @Inject(Env) private readonly env: Env,
    private readonly ds: DataSource,
    private readonly commands: CommandBus,
    private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    instrumentCommandBus(this.commands);
    if (this.env.METRICS_PORT === 0) return;
    this.queues = new QueueRegistry(producerConnection(redisTarget(this.env)), this.env.QUEUE_PREFIX);
    const collector = new SystemCollector({ ds: this.ds, queues: this.queues, now: () => this.clock.now() });
    this.server = new MetricsServer(this.env, collector);
    const listening = await this.server.listen(this.env.METRICS_PORT, this.env.HOST);
    if ('port' in listening) this.logger.log(`metrics on http://${this.env.HOST}:${listening.port}/metrics`);
    else this.logger.warn(`no metrics listener: ${listening.error}; give each worker of a host its own METRICS_PORT, or 0 for none`);
  }

  async onApplicationShutdown(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_MS)));
    await Promise.race([Promise.all([this.server?.close(), this.queues?.close()]).catch(() => undefined), late]).finally(() => clearTimeout(timer));
  }
}
