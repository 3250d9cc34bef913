import { pino, type Logger } from 'pino'

// Structured JSON lines; pretty only for a person at a terminal. Tokens and
// credentials are redacted wherever they would appear.
export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: {
      paths: ['req.headers.authorization', 'headers.authorization', 'token', '*.token'],
      censor: '[redacted]'
    },
    ...(process.stdout.isTTY
      ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss' } } }
      : {})
  })
}
