import { TimeoutError } from '../http';
import type { KernelConnection } from '../kernel';

/** Whether a kernel can debug, how we know, and one sentence for a person when it cannot. */
export interface DebuggerSupport {
  supported: boolean;
  /** `feature`: kernel_info's supported_features (ipykernel 7); `kernelspec`: its metadata (6.x); `probe`: it answered `debugInfo`. */
  via?: 'feature' | 'kernelspec' | 'probe';
  reason?: string;
}

/**
 * Does the kernel support the Jupyter debugger? ipykernel 7 lists `debugger` in kernel_info_reply's
 * `supported_features`; 6.x says so in its kernelspec's `metadata.debugger`. Either way one `debugInfo`
 * must be answered: a gateway (Enterprise Gateway, some proxies) may not forward `debug_request`, and
 * a kernel whose spec says nothing may still answer. No answer within `timeoutMs` is "not supported".
 * Starts nothing in the kernel (`debugInfo` is answered without starting debugpy).
 */
export async function debuggerSupport(connection: KernelConnection, kernelspec?: { metadata?: Record<string, unknown> }, timeoutMs = 3000): Promise<DebuggerSupport> {
  const announced = connection.supportedFeatures.includes('debugger') ? 'feature' : kernelspec?.metadata?.debugger === true ? 'kernelspec' : undefined;
  if (!announced && connection.kernelInfo?.language_info && (connection.kernelInfo.language_info as { name?: string }).name !== 'python') {
    return { supported: false, reason: 'This kernel does not offer a debugger.' };
  }
  try {
    const reply = await connection.request('control', 'debug_request', { type: 'request', seq: 0, command: 'debugInfo', arguments: {} }, timeoutMs);
    const body = (reply.content as { success?: boolean; body?: { hashMethod?: unknown } }).body;
    if (reply.content.success === true && typeof body?.hashMethod === 'string') return { supported: true, via: announced ?? 'probe' };
    return { supported: false, reason: 'The kernel has no debugger (is debugpy installed in its environment?).' };
  } catch (e) {
    if (e instanceof TimeoutError) return { supported: false, reason: announced ? 'The kernel offers a debugger, but its server does not pass debug requests on.' : 'The kernel did not answer a debug request: it has no debugger, or its server does not pass them on.' };
    throw e;
  }
}
