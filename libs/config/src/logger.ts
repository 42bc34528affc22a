import type { DynamicModule } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import { type DestinationStream, type Level, type Logger, type LoggerOptions, pino } from 'pino';
import { prettyFactory } from 'pino-pretty';
import type { Env } from './env';
import { scrubPersonalData } from './personal-data';

/** LOG_LEVEL (Nest's names) as pino's levels. */
const LEVELS: Readonly<Record<Env['LOG_LEVEL'], Level>> = { error: 'error', warn: 'warn', log: 'info', debug: 'debug', verbose: 'trace' };

type LogEnv = Pick<Env, 'LOG_LEVEL' | 'LOG_JSON'>;

/**
 * Where every log line of a process goes: stdout, with ID and phone numbers removed from the
 * whole line first — message, error, stack, any field — then as a JSON line (LOG_JSON=true) or
 * as readable text. Removing them at the sink is what makes "no personal data in the logs" hold
 * for messages nobody wrote with it in mind.
 */
export function logDestination(env: LogEnv): DestinationStream {
  const pretty = env.LOG_JSON === 'true' ? undefined : prettyFactory({ colorize: process.stdout.isTTY === true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,app', singleLine: true });
  return {
    write(line: string) {
      const clean = scrubPersonalData(line);
      process.stdout.write(pretty ? pretty(clean) : clean);
    },
  };
}

/** pino's options for a process named `app`: its level, and requests logged by method, path (no query) and status. */
export function logOptions(app: string, env: LogEnv): LoggerOptions {
  return {
    level: LEVELS[env.LOG_LEVEL],
    base: { app, pid: process.pid },
    // Query strings may hold a searched name or number; headers hold tokens. Neither is logged.
    serializers: {
      req: (req: { id?: unknown; method?: string; url?: string; remoteAddress?: string }) => ({ id: req.id, method: req.method, path: req.url?.split('?')[0], remoteAddress: req.remoteAddress }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
    },
  };
}

/** A logger for a process's own start-up lines (before its Nest application exists). */
export function createLogger(app: string, env: LogEnv): Logger {
  return pino(logOptions(app, env), logDestination(env));
}

/**
 * Structured logs (nestjs-pino) for a Nest application named `app`: the module to import. In an
 * HTTP application it also logs each request once, with its status and time (refusals at
 * `info`, failures at `error`; health checks not at all).
 */
export function loggingModule(app: string, env: LogEnv): DynamicModule {
  return LoggerModule.forRoot({
    pinoHttp: [
      {
        ...logOptions(app, env),
        quietReqLogger: true,
        genReqId: () => randomUUID(),
        autoLogging: { ignore: (req: IncomingMessage) => (req.url ?? '').startsWith('/api/health') },
        customLogLevel: (_req: IncomingMessage, res: ServerResponse, err?: Error) => (err || res.statusCode >= 500 ? 'error' : 'info'),
      },
      logDestination(env),
    ],
  });
}
