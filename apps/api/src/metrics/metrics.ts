import type { INestApplication } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Request, Response } from 'express';
import { DataSource } from 'typeorm';
import type { Env } from '@motcua/config';
import { QueueRegistry } from '@motcua/messaging';
import { instrumentCommandBus, serveMetrics, SystemCollector } from '@motcua/metrics';
import { Clock } from '@motcua/workflow';

/**
 * The API's Prometheus endpoint, `GET /metrics` on API_PORT (outside the `/api` prefix, where
 * scrapers look), and the command counter on its bus. Mounted ahead of the audit and the routes:
 * a scrape is no officer's request. Closed in production without METRICS_TOKEN (README, "Metrics").
 */
export function mountMetrics(app: INestApplication, env: Env): void {
  instrumentCommandBus(app.get(CommandBus));
  const clock = app.get(Clock);
  const collector = new SystemCollector({ ds: app.get(DataSource), queues: app.get(QueueRegistry), now: () => clock.now() });
  app.use('/metrics', (req: Request, res: Response) => void serveMetrics(req, res, env, collector));
}
