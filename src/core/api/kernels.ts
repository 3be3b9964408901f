import { HttpSession } from '../http';
import { JsonObject, expectStatus, field, isObject, isString, jsonBody, optionalNumber, optionalString } from './validate';
import { ProtocolError } from '../http';

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

const kernelPath = (id: string) => `api/kernels/${encodeURIComponent(id)}`;

export async function listKernels(session: HttpSession, signal?: AbortSignal): Promise<KernelModel[]> {
  const action = 'list the running kernels';
  const body = jsonBody(expectStatus(await session.request('GET', 'api/kernels', { signal }), [200], action), action);
  if (!Array.isArray(body)) throw new ProtocolError('The server sent a kernel list that is not a list.');
  return body.map(toKernelModel);
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
