import { askSilently, type KernelConnection } from '../kernel';

/** How long a question about modules may wait (behind a running cell): after that, no answer. */
const ASK_TIMEOUT_MS = 5000;

// The kernel's side: the modules whose file is one of PATHS (server paths, relative to the server's
// root, whose absolute location the REST API never says: matched as the end of the module file's real
// path, after a `/`). Submodules before their packages, so a package's `from .sub import x` takes the
// new `x`. Names prefixed, and deleted after, so the person's namespace is left as it was.
const FIND_MODULES = `
def _jr_changed_modules(paths):
    import os, sys
    ends = tuple('/' + p for p in paths)
    found = []
    for name, module in list(sys.modules.items()):
        file = getattr(module, '__file__', None) if module is not None else None
        if isinstance(file, str) and os.path.realpath(file).replace(os.sep, '/').endswith(ends):
            found.append(name)
    return sorted(found, key=lambda n: (-n.count('.'), n))
`;

/**
 * The modules the kernel has imported from these server files (paths relative to the server's root):
 * what "Reload changed modules" would reload. Asked with one silent execute, leaving no history and no
 * variable; an empty list when the kernel is not Python, or does not answer within 5 s.
 */
export async function importedModulesOf(kernel: KernelConnection, serverPaths: readonly string[]): Promise<string[]> {
  if (!serverPaths.length || (kernel.languageName ?? 'python') !== 'python') return [];
  const code = `${FIND_MODULES}\nprint(__import__('json').dumps(_jr_changed_modules(${JSON.stringify(serverPaths)})))\ndel _jr_changed_modules`;
  const answer = await askSilently(kernel, code, ASK_TIMEOUT_MS);
  if (!answer.ok) return [];
  try {
    const names = JSON.parse(answer.printed.trim()) as unknown;
    return Array.isArray(names) ? names.filter((n): n is string => typeof n === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * `importlib.reload` of the modules imported from these server files, submodules first. Answers the
 * names reloaded; a module whose new code fails to run is reported in one sentence (the ones before it
 * are reloaded, and the module keeps its old code, as importlib leaves it).
 */
export async function reloadModules(kernel: KernelConnection, serverPaths: readonly string[]): Promise<{ reloaded: string[]; error?: string }> {
  const code = [
    FIND_MODULES,
    'def _jr_reload(paths):',
    '    import importlib, json, sys',
    '    done = []',
    '    for name in _jr_changed_modules(paths):',
    '        module = sys.modules.get(name)',
    '        if module is None:',
    '            continue',
    '        try:',
    '            importlib.reload(module)',
    '        except BaseException as e:',
    "            print(json.dumps({'reloaded': done, 'error': '%s: %s (in %s)' % (type(e).__name__, e, name)}))",
    '            return',
    '        done.append(name)',
    "    print(json.dumps({'reloaded': done}))",
    `_jr_reload(${JSON.stringify(serverPaths)})`,
    'del _jr_reload, _jr_changed_modules',
  ].join('\n');
  const answer = await askSilently(kernel, code, ASK_TIMEOUT_MS);
  if (!answer.ok) return { reloaded: [], error: `Could not reload the changed modules: ${answer.message}.` };
  try {
    const parsed = JSON.parse(answer.printed.trim().split('\n').pop() ?? '') as { reloaded: string[]; error?: string };
    return { reloaded: parsed.reloaded, ...(parsed.error ? { error: `Could not reload ${parsed.error}.` } : {}) };
  } catch {
    return { reloaded: [], error: 'Could not reload the changed modules: the kernel gave no answer.' };
  }
}
