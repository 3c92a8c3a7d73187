import { describe, expect, it } from 'vitest';
import { installGracefulShutdown, type ShutdownStep } from './shutdown.ts';
import { capturingLogger } from './test-logger.ts';

function install(steps: Iterable<ShutdownStep>, timeoutMs = 5_000) {
  const { logger, lines } = capturingLogger();
  const exits: number[] = [];
  const graceful = installGracefulShutdown({
    logger,
    steps,
    timeoutMs,
    exit: (c) => exits.push(c),
    signals: [],
  });
  return { graceful, lines, exits };
}

describe('installGracefulShutdown', () => {
  it('runs the steps in order, each after the previous finished, then exits 0', async () => {
    const ran: string[] = [];
    const step = (name: string, ms: number): ShutdownStep => ({
      name,
      run: () => new Promise<void>((resolve) => setTimeout(() => resolve(void ran.push(name)), ms)),
    });
    const { graceful, exits, lines } = install([step('first', 30), step('second', 1), step('third', 10)]);
    expect(graceful.shuttingDown).toBe(false);
    const done = graceful.shutdown('test');
    expect(graceful.shuttingDown).toBe(true);
    expect(await done).toBe(0);
    expect(ran).toEqual(['first', 'second', 'third']);
    expect(exits).toEqual([0]);
    expect(lines.filter((l) => l.msg === 'shutdown step done').map((l) => l.step)).toEqual(ran);
  });

  it('logs a failing step, still runs the next ones, and exits 1', async () => {
    const ran: string[] = [];
    const { graceful, exits, lines } = install([
      { name: 'close HTTP', run: () => Promise.reject(new Error('close failed')) },
      { name: 'flush producer', run: () => void ran.push('flush producer') },
      {
        name: 'stop relay',
        run: () => {
          throw new Error('relay stuck');
        },
      },
      { name: 'close pool', run: () => void ran.push('close pool') },
    ]);
    expect(await graceful.shutdown('test')).toBe(1);
    expect(ran).toEqual(['flush producer', 'close pool']);
    expect(lines.filter((l) => l.msg === 'shutdown step failed').map((l) => l.step)).toEqual([
      'close HTTP',
      'stop relay',
    ]);
    expect(exits).toEqual([1]);
  });

  it('runs once however many times it is asked, and exits with the highest code asked for', async () => {
    let runs = 0;
    const { graceful, exits } = install([{ name: 'count', run: () => void runs++ }]);
    const first = graceful.shutdown('SIGTERM');
    const second = graceful.shutdown('start-up failed', 1);
    expect(await first).toBe(1);
    expect(await second).toBe(1);
    expect(runs).toBe(1);
    expect(exits).toEqual([1]);
  });

  it('exits 1 at the deadline when a step never finishes, without running the rest', async () => {
    let later = false;
    const { graceful, exits, lines } = install(
      [
        { name: 'hangs', run: () => new Promise<void>(() => {}) },
        {
          name: 'later',
          run: () => {
            later = true;
          },
        },
      ],
      200,
    );
    const started = Date.now();
    expect(await graceful.shutdown('test')).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(exits).toEqual([1]);
    expect(later).toBe(false);
    expect(lines.some((l) => l.msg === 'shutdown deadline passed; exiting with work unfinished')).toBe(true);
  });

  it('reads the steps while running, so an earlier step can add later ones', async () => {
    const ran: string[] = [];
    const steps: ShutdownStep[] = [
      { name: 'adds', run: () => void steps.push({ name: 'added', run: () => void ran.push('added') }) },
    ];
    const { graceful } = install(steps);
    expect(await graceful.shutdown('test')).toBe(0);
    expect(ran).toEqual(['added']);
  });

  it('starts on a handled signal', async () => {
    const { logger } = capturingLogger();
    let exited: (code: number) => void = () => {};
    const exit = new Promise<number>((resolve) => {
      exited = resolve;
    });
    const graceful = installGracefulShutdown({
      logger,
      steps: [],
      timeoutMs: 5_000,
      exit: exited,
      signals: ['SIGUSR2'],
    });
    process.emit('SIGUSR2');
    expect(await exit).toBe(0);
    expect(graceful.shuttingDown).toBe(true);
  });
});
