import { Writable } from 'node:stream';
import { createLogger } from '@omnistream/logger';
import { logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { kafkajsLevelFor, pinoLogCreator } from './client.ts';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      cb();
    },
  });
  return { lines, destination };
}

describe('kafkajs logs', () => {
  it('go through our logger as structured JSON, with secrets redacted', () => {
    const out = capture();
    const log = pinoLogCreator(createLogger({ name: 'svc', level: 'debug', destination: out.destination }))(
      logLevel.DEBUG,
    );
    log({
      namespace: 'Consumer',
      level: logLevel.INFO,
      label: 'INFO',
      log: { timestamp: 'x', message: 'Starting', groupId: 'g1' } as never,
    });
    log({
      namespace: 'Connection',
      level: logLevel.ERROR,
      label: 'ERROR',
      log: {
        timestamp: 'x',
        message: 'Connection error: ECONNREFUSED',
        sasl: { password: 'hunter2-secret' },
      } as never,
    });
    expect(out.lines[0]).toMatchObject({
      level: 'info',
      service: 'svc',
      component: 'kafkajs',
      namespace: 'Consumer',
      groupId: 'g1',
      msg: 'Starting',
    });
    expect(out.lines[1]).toMatchObject({ level: 'error', namespace: 'Connection' });
    expect(JSON.stringify(out.lines)).not.toContain('hunter2-secret');
  });

  it('logs protocol error responses, which the caller retries or surfaces, as warnings', () => {
    const out = capture();
    const log = pinoLogCreator(createLogger({ name: 'svc', destination: out.destination }))(logLevel.INFO);
    log({
      namespace: 'Connection',
      level: logLevel.ERROR,
      label: 'ERROR',
      log: {
        timestamp: 'x',
        message: 'Response CreateTopics(key: 19, version: 3)',
        error: 'Topic creation errors',
      } as never,
    });
    expect(out.lines[0]).toMatchObject({ level: 'warn', error: 'Topic creation errors' });
  });

  it('asks kafkajs only for the levels our logger prints', () => {
    expect(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'].map(kafkajsLevelFor)).toEqual([
      logLevel.DEBUG,
      logLevel.DEBUG,
      logLevel.INFO,
      logLevel.WARN,
      logLevel.ERROR,
      logLevel.ERROR,
      logLevel.NOTHING,
    ]);
  });
});
