import { HttpSession, ProtocolError } from '../http';
import { JsonObject, expectStatus, isObject, jsonBody, optionalString } from './validate';

export interface KernelSpec {
  name: string;
  displayName: string;
  language?: string;
  interruptMode?: string;
  metadata?: JsonObject;
  /** Logos and other resources, as absolute URLs on the server (base_url included). */
  resources: Record<string, string>;
}

export interface KernelSpecs {
  default?: string;
  specs: Record<string, KernelSpec>;
}

/**
 * `GET api/kernelspecs`. Resource paths come back server-absolute but without base_url
 * (`/kernelspecs/python3/logo-64x64.png`, PROTOCOL.md §9.14): they are resolved here.
 */
export async function listKernelSpecs(session: HttpSession, signal?: AbortSignal): Promise<KernelSpecs> {
  const action = 'list the kernel types';
  const body = jsonBody(expectStatus(await session.request('GET', 'api/kernelspecs', { signal }), [200], action), action);
  if (!isObject(body) || !isObject(body.kernelspecs)) throw new ProtocolError('The server sent a kernelspec list without "kernelspecs".');
  const specs: Record<string, KernelSpec> = {};
  for (const [key, value] of Object.entries(body.kernelspecs)) {
    if (!isObject(value) || !isObject(value.spec)) continue; // one malformed spec must not hide the others
    const name = optionalString(value, 'name') ?? key;
    const spec = value.spec;
    const resources: Record<string, string> = {};
    if (isObject(value.resources)) {
      for (const [rk, rv] of Object.entries(value.resources)) {
        if (typeof rv === 'string') resources[rk] = resolveResource(session.baseUrl, rv);
      }
    }
    specs[name] = {
      name,
      displayName: optionalString(spec, 'display_name') ?? name,
      language: optionalString(spec, 'language'),
      interruptMode: optionalString(spec, 'interrupt_mode'),
      metadata: isObject(spec.metadata) ? spec.metadata : undefined,
      resources,
    };
  }
  const def = optionalString(body, 'default');
  return def !== undefined ? { default: def, specs } : { specs };
}

export function resolveResource(baseUrl: URL, path: string): string {
  if (/^https?:\/\//i.test(path)) return path;
  const base = baseUrl.pathname;
  const relative = path.startsWith(base) ? path.slice(base.length) : path.replace(/^\/+/, '');
  return new URL(relative, baseUrl).toString();
}
