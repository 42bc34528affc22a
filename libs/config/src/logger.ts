import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import type { Env } from './env';

const ORDER: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/** The logger of a process, honouring LOG_LEVEL and LOG_JSON the same way in every app. */
export function createLogger(context: string, env: Pick<Env, 'LOG_LEVEL' | 'LOG_JSON'>): ConsoleLogger {
  return new ConsoleLogger(context, {
    json: env.LOG_JSON === 'true',
    logLevels: ORDER.slice(0, ORDER.indexOf(env.LOG_LEVEL) + 1),
  });
}
