/**
 * @module core/clock
 * Time, injected. The Worker uses the system clock; tests pass a clock they move by hand, so
 * nothing in the suite sleeps on the wall clock.
 */

export interface Clock {
  /** Milliseconds since 1970. */
  now(): number;
  /** Resolves after `ms` milliseconds of this clock's time. */
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
