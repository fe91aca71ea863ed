import { setTimeout as delay } from 'node:timers/promises';
import type { RateGate } from '../../src/upstream/gate/rate-gate.ts';
import type { ManualClock } from './manual-clock.ts';

/**
 * Runs real HTTP traffic on simulated time: while any gate has a request in flight, real
 * time passes and the clock stands still (so a request arrives at the simulator at the
 * instant the gate let it go); when every gate is only waiting, the clock jumps to the
 * next wake-up. Minutes of rate windows then take as long as the requests themselves,
 * and no amount of machine load can shift a request into another window.
 */
export async function driveUntilSettled<T>(work: Promise<T>, clock: ManualClock, gates: RateGate[]): Promise<T> {
  let settled = false;
  const watched = work.finally(() => {
    settled = true;
  });
  watched.catch(() => undefined);
  while (!settled) {
    if (gates.some((g) => g.snapshot().inFlight > 0)) {
      await delay(1);
      continue;
    }
    if (!(await clock.advanceToNext())) await delay(1);
  }
  return watched;
}
