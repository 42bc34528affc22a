import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Worker } from 'bullmq';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { Env } from '@motcua/config';
import { isUnitKind, UNIT_KINDS, type UnitKind } from '@motcua/domain';
import { consumerConnection, OutboxRelay, producerConnection, QueueRegistry } from '@motcua/messaging';
import { PortalClient } from './portal/portal-client';
import { PortalSyncProcessor } from './portal/portal-sync.processor';

/** Parses UNITS: `all` or a comma-separated list of unit codes; an unknown code stops the start. */
export function parseUnits(value: string): UnitKind[] {
  if (value.trim() === 'all') return [...UNIT_KINDS];
  const units = value.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = units.filter((u) => !isUnitKind(u));
  if (bad.length > 0 || units.length === 0) {
    throw new Error(`UNITS: unknown unit code(s) ${bad.join(', ') || '(none given)'}; use "all" or codes like tu-phap,cong-an`);
  }
  return units as UnitKind[];
}

/**
 * The worker process: the outbox relay and the connector consumers. Unit consumers are added
 * per UNITS (DESIGN.md §4).
 */
@Injectable()
export class WorkerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Worker');
  private readonly workers: Worker[] = [];
  /** Connections handed to BullMQ workers; BullMQ does not close connections it was given. */
  private readonly connections: Redis[] = [];
  private relay?: OutboxRelay;
  private queues?: QueueRegistry;

  constructor(
    @Inject(Env) private readonly env: Env,
    private readonly ds: DataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const units = parseUnits(this.env.UNITS);
    this.queues = new QueueRegistry(producerConnection(this.env.REDIS_URL), this.env.QUEUE_PREFIX);
    this.relay = new OutboxRelay(this.ds, this.queues, this.env.DATABASE_URL);
    await this.relay.start();

    const portal = new PortalSyncProcessor(
      this.ds,
      new PortalClient({
        baseUrl: this.env.PORTAL_URL,
        username: this.env.PORTAL_USERNAME,
        password: this.env.PORTAL_PASSWORD,
        unitCode: this.env.PORTAL_UNIT_CODE,
        timeoutMs: 10_000,
      }),
    );
    const connection = consumerConnection(this.env.REDIS_URL);
    this.connections.push(connection);
    const w = new Worker('portal-sync', (job) => portal.process(job), {
      connection,
      prefix: this.env.QUEUE_PREFIX,
      concurrency: 4,
    });
    w.on('failed', (job, err) => this.logger.warn(`portal-sync job ${job?.id} attempt ${job?.attemptsMade} failed: ${err.message}`));
    w.on('error', () => undefined);
    this.workers.push(w);
    this.logger.log(`outbox relay running; consuming portal-sync; units: ${units.join(', ')}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay?.stop();
    await Promise.all(this.workers.map((w) => w.close()));
    for (const c of this.connections) c.disconnect();
    await this.queues?.close();
  }
}
