/**
 * The broker's modules form a directed acyclic graph: no file reaches itself through its imports,
 * type-only imports included (a type cycle is still two modules that cannot be understood, or
 * moved, apart). The connection knows the broker only through the ConnectionHost interface in
 * types.ts; handlers get what they need passed in.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../src/mqtt/broker/', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : name.endsWith('.ts') ? [path] : [];
  });
}

/** Every relative import and re-export of a file (`import`, `import type`, `export … from`), resolved. */
export function importsOf(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  const specifiers = [...source.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+['"](\.[^'"]+)['"]/g), ...source.matchAll(/(?:^|\n)\s*import\s+['"](\.[^'"]+)['"]/g)]
    .map((m) => m[1]!);
  return specifiers.map((s) => resolve(dirname(file), s));
}

/** The cycles among `nodes` (each as a path of files), found by depth-first search. */
export function findCycles(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (state.get(next) === undefined) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of graph.keys()) if (state.get(node) === undefined) visit(node);
  return cycles;
}

describe('the import graph of src/mqtt/broker', () => {
  const graph = new Map(files(root).map((file) => [file, importsOf(file)]));
  const name = (file: string) => relative(root, file);

  it('has no cycle, counting type-only imports', () => {
    const cycles = findCycles(graph).map((cycle) => cycle.map(name).join(' → '));
    expect(cycles).toEqual([]);
  });

  it('the cycle finder finds a cycle when there is one (so the test above can fail)', () => {
    const fake = new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]);
    expect(findCycles(fake)).toEqual([['a', 'b', 'c', 'a']]);
  });

  it('reads type-only imports and re-exports', () => {
    const connection = join(root, 'connection.ts');
    expect(graph.get(connection)!.map(name)).toContain('types.ts');
    expect(graph.get(join(root, 'index.ts'))!.map(name)).toContain('broker.ts');
  });

  it('handlers do not import each other: shared acknowledgement helpers live in their own file', () => {
    const handlers = [...graph.keys()].filter((f) => name(f).startsWith('handlers/'));
    const crossImports = handlers.flatMap((f) => graph.get(f)!.filter((t) => name(t).startsWith('handlers/')).map((t) => `${name(f)} → ${name(t)}`));
    expect(crossImports).toEqual([]);
  });

  it('no handler and not the connection imports broker.ts', () => {
    const offenders = [...graph.entries()].filter(([f, to]) => (name(f).startsWith('handlers/') || name(f) === 'connection.ts') && to.some((t) => name(t) === 'broker.ts')).map(([f]) => name(f));
    expect(offenders).toEqual([]);
  });
});
