// The shape of the house (docs/ARCHITECTURE.md), checked from the sources: which feature folder of
// src/vscode imports which, and that those imports form no circle. (That they go through a folder's
// index.ts is eslint's no-restricted-imports rule for src/vscode.)
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const VSCODE = join(__dirname, '../../src/vscode');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** The feature folders each feature folder imports (type imports count: they are a dependency too). */
function featureImports(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const feature of readdirSync(VSCODE).filter((n) => statSync(join(VSCODE, n)).isDirectory())) {
    const uses = new Set<string>();
    for (const file of filesUnder(join(VSCODE, feature))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/from '\.\.\/([a-z-]+)(?:\/[^']*)?'/g)) if (m[1] !== feature && m[1] !== '..') uses.add(m[1]);
    }
    graph.set(feature, uses);
  }
  return graph;
}

/** A circle in the graph, as the folders on it, or undefined. */
function circleIn(graph: Map<string, Set<string>>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done') return undefined;
    if (state.get(node) === 'open') return [...path.slice(path.indexOf(node)), node];
    state.set(node, 'open');
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      const found = visit(next);
      if (found) return found;
    }
    path.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of graph.keys()) {
    const found = visit(node);
    if (found) return found;
  }
  return undefined;
}

describe('the house (src/vscode feature folders)', () => {
  it('has no circle between feature folders', () => {
    const graph = featureImports();
    assert.ok(graph.size >= 6, `feature folders found: ${[...graph.keys()].join(', ')}`);
    const circle = circleIn(graph);
    assert.equal(circle, undefined, `feature folders import each other in a circle: ${circle?.join(' → ')}`);
  });

  it('the circle finder finds one (so the check above can fail)', () => {
    const graph = new Map([
      ['servers', new Set(['shared'])],
      ['notebooks', new Set(['servers', 'files'])],
      ['files', new Set(['notebooks'])],
      ['shared', new Set<string>()],
    ]);
    assert.deepEqual(circleIn(graph), ['notebooks', 'files', 'notebooks']);
  });

  it('the shared module depends on no feature', () => {
    assert.deepEqual([...(featureImports().get('shared') ?? [])], []);
  });

  it('keeps every feature in a folder, and extension.ts a composition root under 100 lines', () => {
    const loose = readdirSync(VSCODE).filter((n) => n.endsWith('.ts'));
    assert.deepEqual(loose, [], 'files directly in src/vscode/ belong in a feature folder');
    const lines = readFileSync(join(VSCODE, '../extension.ts'), 'utf8').split('\n').length;
    assert.ok(lines < 100, `src/extension.ts has ${lines} lines`);
  });
});
