import pino, { type Logger } from 'pino';

/** Creates the process logger: JSON lines on stdout, never with credentials. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: { paths: ['req.headers.authorization', 'headers.authorization', 'password', 'secret'], remove: true },
  });
}
