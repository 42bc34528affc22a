import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Every metric MotCua exports, in one place (README, "Metrics"). Names carry the `motcua_` prefix
 * and their unit; labels are bounded sets (queue, unit kind, command, outcome, commune code),
 * never a dossier or job id.
 *
 * One registry per process, made at module load: the API and an in-process worker (tests) share
 * it, so each metric is registered once. Node's default process metrics (`process_*`, `nodejs_*`)
 * keep their standard names, so stock dashboards read them.
 */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

const registers = [metricsRegistry];

/** States of a BullMQ queue counted in {@link queueJobs}. */
export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;
export type QueueState = (typeof QUEUE_STATES)[number];

export const queueJobs = new Gauge({
  name: 'motcua_queue_jobs',
  help: 'Jobs in a BullMQ queue by state (waiting includes prioritized), read at scrape time',
  labelNames: ['queue', 'state'] as const,
  registers,
});

export const deadLetters = new Gauge({
  name: 'motcua_dead_letters',
  help: 'Jobs that used up their tries (the failed set of the queue: the dead-letter list), read at scrape time',
  labelNames: ['queue'] as const,
  registers,
});

/** What a unit consumer did with a hand-off job; `failed`: the attempt threw (it is retried, or dead-lettered). */
export type HandoffMetricOutcome = 'received' | 'duplicate' | 'completed' | 'needs_officer' | 'failed';

export const handoffsTotal = new Counter({
  name: 'motcua_handoffs_total',
  help: 'Hand-off jobs a unit consumer of this process handled, by unit kind and outcome',
  labelNames: ['unit', 'outcome'] as const,
  registers,
});

/** Seconds: 5 ms up to 10 minutes (a hand-off waits minutes only when workers are down). */
export const HANDOFF_LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 600];

export const handoffLatency = new Histogram({
  name: 'motcua_handoff_latency_seconds',
  help: "Hand-off latency per receiving unit kind: from the hand-off's job entering the unit's queue (the relay, after the sender's commit) to its receipt",
  labelNames: ['unit'] as const,
  buckets: HANDOFF_LATENCY_BUCKETS,
  registers,
});

/** How a command ended: `refused` a domain rule, `conflict` a concurrent change, `error` anything else. */
export type CommandResult = 'ok' | 'refused' | 'conflict' | 'error';

export const commandsTotal = new Counter({
  name: 'motcua_commands_total',
  help: 'Commands this process executed, by command type and result',
  labelNames: ['command', 'result'] as const,
  registers,
});

export const outboxUnsent = new Gauge({
  name: 'motcua_outbox_unsent',
  help: 'Outbox rows not yet sent to Redis (dead rows excepted), read at scrape time',
  registers,
});

export const outboxLag = new Gauge({
  name: 'motcua_outbox_lag_seconds',
  help: 'Age of the oldest unsent outbox row (0 when none), read at scrape time',
  registers,
});

export const outboxDead = new Gauge({
  name: 'motcua_outbox_dead',
  help: 'Outbox rows given up after their tries (GET /api/stuck), read at scrape time',
  registers,
});

export const dossiersOverdue = new Gauge({
  name: 'motcua_dossiers_overdue',
  help: 'Open dossiers (received or in progress) past their due time, per commune, read at scrape time',
  labelNames: ['commune'] as const,
  registers,
});

export const portalSyncBacklog = new Gauge({
  name: 'motcua_portal_sync_backlog',
  help: 'Dossiers with portal events not yet sent to the national portal (wanted_seq > synced_seq), read at scrape time',
  registers,
});

export const portalSyncFailing = new Gauge({
  name: 'motcua_portal_sync_failing',
  help: 'Dossiers whose portal sync is failing (being retried with backoff), read at scrape time',
  registers,
});

export const deadlineTimersDue = new Gauge({
  name: 'motcua_deadline_timers_due',
  help: 'Deadline timers whose moment came and that have not fired yet, read at scrape time',
  registers,
});

export const projectionLagEvents = new Gauge({
  name: 'motcua_projection_lag_events',
  help: 'Events of the log a projection has not applied yet (newest event id minus its cursor position); absent without projections',
  labelNames: ['projection'] as const,
  registers,
});

export const projectionLagSeconds = new Gauge({
  name: 'motcua_projection_lag_seconds',
  help: 'Age of the oldest event a projection has not applied yet (0 when caught up); absent without projections',
  labelNames: ['projection'] as const,
  registers,
});

/** The sources a scrape reads, each reported up or down in {@link collectorUp}. */
export type CollectorSource = 'queues' | 'database' | 'projections';

export const collectorUp = new Gauge({
  name: 'motcua_metrics_collector_up',
  help: "1 when the scrape's read of a source (queues, database, projections) answered in time, 0 when it failed or timed out (its gauges then keep their last values)",
  labelNames: ['source'] as const,
  registers,
});

export const collectDuration = new Gauge({
  name: 'motcua_metrics_collect_seconds',
  help: 'How long the last scrape-time read of the queues and the database took',
  registers,
});
