import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildProgram, unknownCommand } from './main.ts';

test('unknownCommand names the command word no command answers to, wherever the options are', () => {
  const program = buildProgram();
  const cases: [string[], string | null][] = [
    [['sync', '--help'], 'sync'],
    [['--help', 'sync'], 'sync'],
    [['help', 'sync'], 'sync'],
    [['--', 'sync'], 'sync'],
    [['discovr', 'attack on titan'], 'discovr'],
    [['discover', 'sync'], null],
    [['discover', '--json', 'x'], null],
    [['help', 'discover'], null],
    [['help'], null],
    [['--help'], null],
    [['-V'], null],
    [[], null],
  ];
  for (const [args, expected] of cases) assert.equal(unknownCommand(program, args), expected, args.join(' '));
});
