/**
 * Every module a source file names, with the line it is on: static imports and re-exports,
 * side-effect imports, dynamic `import()`, and files located beside the code with
 * `new URL('…', import.meta.url)` (run as child processes). Comments and prose that merely
 * contain the word "from" are not statements, so only statement starts count.
 */
const PATTERNS = [
  /^[ \t]*(?:import|export)\s[^;'"]*?\bfrom\s*(['"])([^'"]+)\1/gm,
  /^[ \t]*import\s*(['"])([^'"]+)\1/gm,
  /\bimport\(\s*(['"])([^'"]+)\1\s*\)/g,
  /\bnew URL\(\s*(['"])([^'"]+)\1\s*,\s*import\.meta\.url\s*\)/g,
];

export function importSpecifiers(text: string): { specifier: string; line: number }[] {
  return PATTERNS.flatMap((pattern) =>
    [...text.matchAll(pattern)].map((match) => ({ specifier: match[2]!, line: text.slice(0, match.index).split('\n').length })),
  ).sort((a, b) => a.line - b.line);
}
