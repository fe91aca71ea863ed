/**
 * Resolves with the first SIGINT or SIGTERM. `onSecond` runs if another arrives while
 * the caller is still shutting down (e.g. "stop now" for a worker winding down jobs).
 */
export function untilStopSignal(onSecond?: (signal: NodeJS.Signals) => void): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      if (onSecond) {
        process.once('SIGINT', onSecond);
        process.once('SIGTERM', onSecond);
      }
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
