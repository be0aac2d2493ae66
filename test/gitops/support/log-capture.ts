// A pino logger at trace level whose lines tests can search, e.g. to prove a secret never reaches the logs.
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';

export interface CapturedLogger {
  logger: Logger;
  lines: string[];
  text(): string;
}

export function captureLogs(): CapturedLogger {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done): void {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = pino({ level: 'trace', base: undefined }, sink);
  return { logger, lines, text: () => lines.join('') };
}
