/**
 * Child process of runStrategyInChild: reads a StrategyInput (JSON) on stdin, runs it,
 * prints the StrategyRun after RESULT_MARKER.
 */
import { text } from 'node:stream/consumers';
import { RESULT_MARKER, runStrategy } from './run-strategy.ts';
import type { StrategyInput } from './strategy-run.ts';

const input = JSON.parse(await text(process.stdin)) as Omit<StrategyInput, 'databaseUrl'>;
const run = await runStrategy(input);
process.stdout.write(`${RESULT_MARKER}${JSON.stringify(run)}\n`);
