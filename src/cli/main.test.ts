import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildProgram, helpAsFlag, unknownCommand } from './main.ts';

test('unknownCommand names the command word no command answers to, wherever the options are', () => {
  const program = buildProgram();
  const cases: [string[], string | null][] = [
    [['mirror', '--help'], 'mirror'],
    [['--help', 'mirror'], 'mirror'],
    [['help', 'mirror'], 'mirror'],
    [['--', 'mirror'], 'mirror'],
    [['discovr', 'attack on titan'], 'discovr'],
    [['discover', 'mirror'], null],
    [['discover', '--json', 'x'], null],
    [['help', 'discover'], null],
    [['help'], null],
    [['--help'], null],
    [['-V'], null],
    [[], null],
  ];
  for (const [args, expected] of cases) assert.equal(unknownCommand(program, args), expected, args.join(' '));
});

test('helpAsFlag turns `help <command>` into `<command> --help` and leaves everything else', () => {
  const program = buildProgram();
  const cases: [string[], string[]][] = [
    [['help', 'sim'], ['sim', '--help']],
    [['help', 'discover', 'x'], ['discover', '--help', 'x']],
    [['help'], ['help']],
    [['help', 'mirror'], ['help', 'mirror']],
    [['help', 'help'], ['help', 'help']],
    [['sim', 'help'], ['sim', 'help']],
    [['--help', 'sim'], ['--help', 'sim']],
    [[], []],
  ];
  for (const [args, expected] of cases) assert.deepEqual(helpAsFlag(program, args), expected, args.join(' '));
});
