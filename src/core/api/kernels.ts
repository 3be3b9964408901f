import { HttpSession } from '../http';
import { JsonObject, expectStatus, field, isObject, isString, jsonBody, optionalNumber, optionalString } from './validate';
import { ProtocolError } from '../http';
import { idSegment, isSafeIdSegment } from './resource-id';

export interface KernelModel {
  id: string;
  name: string;
  /** What the server last saw on iopub; it goes stale after an auto-restart (PROTOCOL.md §9.12). */
  executionState?: string;
  lastActivity?: string;
  connections?: number;
}

export function toKernelModel(v: unknown): KernelModel {
  if (!isObject(v)) throw new ProtocolError('The server sent a kernel that is not an object.');
  const model: KernelModel = { id: field(v, 'id', isString, 'kernel'), name: field(v, 'name', isString, 'kernel') };
  const state = optionalString(v, 'execution_state');
  if (state !== undefined) model.executionState = state;
  const last = optionalString(v, 'last_activity');
  if (last !== undefined) model.lastActivity = last;
  const connections = optionalNumber(v, 'connections');
  if (connections !== undefined) model.connections = connections;
  return model;
}

const kernelPath = (id: string) => `api/kernels/${idSegment(id, 'kernel id')}`;

export async function listKernels(session: HttpSession, signal?: AbortSignal): Promise<KernelModel[]> {
  const action = 'list the running kernels';
  const body = jsonBody(expectStatus(await session.request('GET', 'api/kernels', { signal }), [200], action), action);
  if (!Array.isArray(body)) throw new ProtocolError('The server sent a kernel list that is not a list.');
  // A kernel whose id cannot be addressed could not be opened or shut down anyway: it is left out
  // rather than failing the list, so one odd entry does not hide the kernels that can be used.
  return body.map(toKernelModel).filter((k) => isSafeIdSegment(k.id));
}

export async function getKernel(session: HttpSession, id: string, signal?: AbortSignal): Promise<KernelModel> {
  const action = 'read the kernel';
  return toKernelModel(jsonBody(expectStatus(await session.request('GET', kernelPath(id), { signal }), [200], action), action));
}

/** Starts a kernel (201). Kernels on gateways can take long to start: the timeout is generous. */
export async function startKernel(session: HttpSession, name: string | undefined, options: { signal?: AbortSignal; timeoutMs?: number; env?: Record<string, string> } = {}): Promise<KernelModel> {
  const action = `start a ${name ?? 'default'} kernel`;
  const json: JsonObject = {};
  if (name) json.name = name;
  if (options.env) json.env = options.env;
  const res = await session.request('POST', 'api/kernels', { json, signal: options.signal, timeoutMs: options.timeoutMs ?? 120000 });
  return toKernelModel(jsonBody(expectStatus(res, [201, 200], action), action));
}

export async function interruptKernel(session: HttpSession, id: string, signal?: AbortSignal): Promise<void> {
  expectStatus(await session.request('POST', `${kernelPath(id)}/interrupt`, { signal }), [204, 200], 'interrupt the kernel');
}

/** Restarts a kernel; the server answers once the new kernel replies to kernel_info (PROTOCOL.md §5.6). */
export async function restartKernel(session: HttpSession, id: string, signal?: AbortSignal): Promise<KernelModel> {
  const action = 'restart the kernel';
  const res = await session.request('POST', `${kernelPath(id)}/restart`, { signal, timeoutMs: 120000 });
  return toKernelModel(jsonBody(expectStatus(res, [200], action), action));
}

/** Shuts a kernel down; one that is already gone (404) counts as shut down. */
export async function shutdownKernel(session: HttpSession, id: string, signal?: AbortSignal): Promise<void> {
  expectStatus(await session.request('DELETE', kernelPath(id), { signal }), [204, 200, 404], 'shut the kernel down');
}

/** A kernel that still runs on the server, or why it no longer does. */
export type KernelPresence = { present: true; kernel: KernelModel } | { present: false; reason: string };

/**
 * Whether a kernel still exists, and if not, the likeliest reason in words a person reads: a server
 * started after we last saw the kernel (`lastSeen`, ms) restarted under it, and its kernels died with
 * it; otherwise it was shut down by another client or culled for idleness (the server cannot say which).
 */
export async function kernelPresence(session: HttpSession, id: string, lastSeen?: number, signal?: AbortSignal): Promise<KernelPresence> {
  const res = await session.request('GET', kernelPath(id), { signal });
  if (res.status !== 404) return { present: true, kernel: toKernelModel(jsonBody(expectStatus(res, [200], 'read the kernel'), 'read the kernel')) };
  if (lastSeen === undefined) return { present: false, reason: 'it was shut down, culled for idleness, or the server restarted' };
  const status = await session.request('GET', 'api/status', { signal }).catch(() => undefined);
  const body = status?.status === 200 ? jsonBody(status, 'read the server status') : undefined;
  const started = isObject(body) ? Date.parse(optionalString(body, 'started') ?? '') : NaN;
  if (started > lastSeen) return { present: false, reason: 'the server restarted since, and its kernels with it' };
  const idle = Math.round((Date.now() - lastSeen) / 60000);
  return { present: false, reason: `it was shut down from another client, or culled by the server for idleness (this window last saw it ${idle < 1 ? 'less than a minute' : idle === 1 ? 'a minute' : `${idle} minutes`} ago)` };
}
