import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { INestApplication } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { NextFunction, Request, Response } from 'express';
import type { Env } from '@motcua/config';
import { DomainError, ForbiddenError } from '@motcua/domain';
import { ALL_QUEUES, QueueRegistry } from '@motcua/messaging';
import { UnauthenticatedError } from '../auth/errors';
import { TokenStates } from '../auth/token-states';
import { boardCaller, QUEUE_BOARD_PATH } from './queue-board-access';

/**
 * The id fields the job payloads carry (libs/messaging/src/queues.ts). The board shows these and
 * nothing else of a job's data, so a payload that one day carries more (against STYLE habit 4)
 * still shows no more here.
 */
const SHOWN_DATA_FIELDS = ['handoffId', 'dossierId', 'communeCode', 'eventSeq', 'kind', 'dueAt', 'stepKey'] as const;

/** A job's data as the board shows it: the id fields only. */
export function boardJobData(data: unknown): Record<string, unknown> {
  if (!data || typeof data !== 'object') return {};
  const source = data as Record<string, unknown>;
  return Object.fromEntries(SHOWN_DATA_FIELDS.filter((f) => f in source).map((f) => [f, source[f]]));
}

/** A job's return value as the board shows it: the consumer's status word, nothing else. */
function boardReturnValue(value: unknown): unknown {
  return typeof value === 'string' && value.length <= 40 ? value : null;
}

/** The answer of a refused board request: JSON, as every API error, never the board's HTML. */
function refuse(res: Response, status: number, rule: string, message: string): void {
  res.status(status).type('application/json').json({ statusCode: status, rule, message });
}

/**
 * Mounts bull-board at {@link QUEUE_BOARD_PATH} over every unit and connector queue (with the
 * configured QUEUE_PREFIX, on the API's producer connection, so REDIS_CLUSTER holds as
 * everywhere). Read-only twice over: every queue is in bull-board's `readOnlyMode`, and any
 * method but GET/HEAD is refused before bull-board sees it, since its retry, clean and pause
 * actions would bypass the audited dead-letter replay. Only a deployment-wide operator (an
 * administrator named in QUEUE_BOARD_ADMINS) may open it, by a board session cookie or an access
 * token: the queues are shared by every commune. Mounted ahead of the request audit, like
 * /metrics: the board polls every few seconds; the audited act is opening the session.
 */
export function mountQueueBoard(app: INestApplication, env: Env): void {
  const registry = app.get(QueueRegistry);
  const deps = { jwt: app.get(JwtService), tokens: app.get(TokenStates), env };
  // Built at the first request an operator makes with Redis ready, not at start: a queue made
  // before its connection is ready (a Redis Cluster loading its slots) would stay broken, and
  // the board would hold it for the process's life.
  let router: ReturnType<ExpressAdapter['getRouter']> | undefined;
  const board = async (): Promise<ReturnType<ExpressAdapter['getRouter']>> => {
    if (router) return router;
    const queues = ALL_QUEUES.map((name) => registry.get(name));
    await Promise.all(queues.map((q) => q.waitUntilReady()));
    const adapters = queues.map((queue) => {
      const adapter = new BullMQAdapter(queue, { readOnlyMode: true, allowRetries: false });
      adapter.setFormatter('data', boardJobData);
      adapter.setFormatter('returnValue', boardReturnValue);
      return adapter;
    });
    const serverAdapter = new ExpressAdapter().setBasePath(QUEUE_BOARD_PATH);
    // @bull-board/express 9.10.1 declares its types against its own copy of @bull-board/api 9.10.1;
    // at run time it imports nothing from it, so the 9.10.2 board drives it as is.
    const server = serverAdapter as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'];
    createBullBoard({ queues: adapters, serverAdapter: server, options: { uiConfig: { boardTitle: 'MotCua — hàng đợi' } } });
    router = serverAdapter.getRouter();
    return router;
  };
  const guard = (req: Request, res: Response, next: NextFunction): void => {
    boardCaller(req, deps).then(
      () => {
        if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'QUEUE_BOARD_READ_ONLY', 'Bảng hàng đợi chỉ để xem; chạy lại tác vụ qua danh sách chết (/api/dead-letters).');
        res.setHeader('Cache-Control', 'no-store');
        board().then(
          (r) => r(req, res, next),
          () => refuse(res, 503, 'QUEUE_BOARD_UNAVAILABLE', 'Không kết nối được Redis; thử lại sau.'),
        );
      },
      (e: unknown) => {
        if (e instanceof UnauthenticatedError) return refuse(res, 401, e.code, e.message);
        if (e instanceof ForbiddenError) return refuse(res, 403, e.code, e.message);
        if (e instanceof DomainError) return refuse(res, 422, e.code, e.message);
        next(e);
      },
    );
  };
  app.use(QUEUE_BOARD_PATH, guard);
}
