import { HttpSession, JupyterError } from '../http';
import { isObject } from '../api/validate';

/** The server runs no language server we can use; the message says why in one sentence. */
export class LanguageServerAbsentError extends JupyterError {
  override readonly name: string = 'LanguageServerAbsentError';
}

/** A Python language server that a Jupyter server runs for its clients through jupyter-lsp. */
export interface LanguageServerOffer {
  /** jupyter-lsp's key for it, the last part of `lsp/ws/<name>`. */
  name: string;
  displayName: string;
  /** The server's root as a `file:` URI on the server's machine (jupyter-lsp's `rootUri`). */
  rootUri: string;
  /** Where jupyter-lsp writes documents for language servers that read them from disk. */
  virtualDocumentsUri: string;
  /** The language server reads documents from disk (so they must live under virtualDocumentsUri). */
  documentsOnDisk: boolean;
  /** Another client (a window, a JupyterLab tab) is connected: the language server is already initialized. */
  othersConnected: boolean;
}

/**
 * Python language servers in the order we take them when a server has several. pyright and pylsp
 * first: they answer everything we ask (hover, definition, references, symbols, signatures).
 */
const PREFERRED = ['pyright', 'pylsp', 'basedpyright', 'jedi-language-server', 'pyrefly'];

/** jupyter-lsp puts the root's URI in the page config of the pages it serves with (`lab`, `tree`). */
async function rootsOf(session: HttpSession, signal?: AbortSignal): Promise<{ rootUri: string; virtualDocumentsUri: string } | undefined> {
  for (const page of ['lab', 'tree']) {
    const res = await session.request('GET', page, { signal }).catch(() => undefined);
    if (res?.status !== 200) continue;
    const config = /<script id="jupyter-config-data" type="application\/json">([\s\S]*?)<\/script>/.exec(res.text());
    let data: unknown;
    try {
      data = config ? JSON.parse(config[1]) : undefined;
    } catch {
      continue;
    }
    if (isObject(data) && typeof data.rootUri === 'string' && data.rootUri.startsWith('file:')) {
      const rootUri = data.rootUri.replace(/\/+$/, '');
      const virtual = typeof data.virtualDocumentsUri === 'string' && data.virtualDocumentsUri.startsWith('file:') ? data.virtualDocumentsUri : `${rootUri}/.virtual_documents`;
      return { rootUri, virtualDocumentsUri: virtual.replace(/\/+$/, '') };
    }
  }
  return undefined;
}

/**
 * The Python language server the Jupyter server offers through jupyter-lsp (`lsp/status`), with where
 * its files are. Throws LanguageServerAbsentError, with the reason, when it offers none.
 */
export async function languageServerOffer(session: HttpSession, signal?: AbortSignal): Promise<LanguageServerOffer> {
  const res = await session.request('GET', 'lsp/status', { signal });
  if (res.status === 404) throw new LanguageServerAbsentError('This server has no jupyter-lsp, so it runs no language server (it comes with JupyterLab 4: pip install jupyterlab there).');
  if (res.status !== 200) throw new LanguageServerAbsentError(`This server did not say which language servers it runs (HTTP ${res.status} from lsp/status).`);
  let status: unknown;
  try {
    status = JSON.parse(res.text());
  } catch {
    throw new LanguageServerAbsentError('This server answered lsp/status with something that is not JSON, so its language servers are unknown.');
  }
  // `sessions` holds the language servers installed there; `specs` also lists ones that are not.
  const sessions = isObject(status) && isObject(status.sessions) ? status.sessions : {};
  const python = Object.entries(sessions).filter(([, s]) => {
    const languages = isObject(s) && isObject(s.spec) ? s.spec.languages : undefined;
    return Array.isArray(languages) && languages.includes('python');
  });
  if (!python.length) throw new LanguageServerAbsentError('jupyter-lsp on this server has no Python language server installed (install pyright or python-lsp-server there).');
  const rank = (name: string) => (PREFERRED.includes(name) ? PREFERRED.indexOf(name) : PREFERRED.length);
  const [name, chosen] = python.sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))[0];
  const roots = await rootsOf(session, signal);
  if (!roots) throw new LanguageServerAbsentError("This server runs a language server but did not say where its files are (no JupyterLab or Notebook 7 page with jupyter-lsp's rootUri).");
  const spec = isObject(chosen) && isObject(chosen.spec) ? chosen.spec : {};
  return {
    name,
    displayName: typeof spec.display_name === 'string' ? spec.display_name : name,
    ...roots,
    documentsOnDisk: spec.requires_documents_on_disk !== false,
    othersConnected: isObject(chosen) && chosen.status === 'started' && typeof chosen.handler_count === 'number' && chosen.handler_count > 0,
  };
}
