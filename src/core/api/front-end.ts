import { HttpSession } from '../http';
import { isObject, optionalString } from './validate';

export interface FrontEnd {
  /** `JupyterLab` or `Jupyter Notebook` (7 and later). */
  name: string;
  version?: string;
}

/**
 * The front end a jupyter_server was started as (`jupyter lab`, `jupyter notebook`): the page its base
 * URL redirects to (`lab` or `tree`, asked without credentials) carries the app's name and version in
 * its `jupyter-config-data`. Undefined for a bare `jupyter server`, the classic notebook, Hubs and
 * gateways, or when the page says nothing. Two requests: for `check` and display, not the connect path.
 */
export async function probeFrontEnd(session: HttpSession, signal?: AbortSignal): Promise<FrontEnd | undefined> {
  const root = await session.request('GET', '', { signal, authenticate: false });
  const location = root.status >= 300 && root.status < 400 ? root.header('location') : undefined;
  if (!location) return undefined;
  const landing = new URL(location, root.url);
  const page = /\/(lab|tree)\/?$/.exec(landing.pathname)?.[1];
  if (!page || landing.origin !== session.baseUrl.origin) return undefined;
  const res = await session.request('GET', page, { signal });
  if (res.status !== 200) return undefined;
  return frontEndOfPage(res.text());
}

/** Reads `appName`/`appVersion` from a page's `<script id="jupyter-config-data">` JSON. */
export function frontEndOfPage(html: string): FrontEnd | undefined {
  const json = /<script\b[^>]*\bid=["']jupyter-config-data["'][^>]*>([\s\S]*?)<\/script>/i.exec(html)?.[1];
  if (!json) return undefined;
  let config: unknown;
  try {
    config = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (!isObject(config)) return undefined;
  const name = optionalString(config, 'appName');
  if (!name) return undefined;
  const version = optionalString(config, 'appVersion');
  return version ? { name, version } : { name };
}
