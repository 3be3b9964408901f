import { randomUUID } from 'node:crypto';

export type Channel = 'shell' | 'iopub' | 'stdin' | 'control';

export interface MessageHeader {
  msg_id: string;
  msg_type: string;
  session: string;
  username: string;
  date: string;
  version: string;
}

/**
 * One Jupyter message. `content` is parsed when first read: messages for requests that are not
 * ours (the server's own kernel_info probes, other clients) are dropped without parsing it.
 */
export interface KernelMessage<C = Record<string, unknown>> {
  channel: Channel;
  header: MessageHeader;
  parent_header: Partial<MessageHeader>;
  metadata: Record<string, unknown>;
  content: C;
  buffers: Buffer[];
}

export const PROTOCOL_VERSION = '5.3';

export function makeMessage<C>(
  channel: Channel,
  msgType: string,
  content: C,
  session: string,
  options: { parent?: Partial<MessageHeader>; metadata?: Record<string, unknown>; buffers?: Buffer[]; username?: string } = {},
): KernelMessage<C> {
  return {
    channel,
    header: {
      msg_id: randomUUID(),
      msg_type: msgType,
      session,
      username: options.username ?? 'jupyter-remote',
      date: new Date().toISOString(),
      version: PROTOCOL_VERSION,
    },
    parent_header: options.parent ?? {},
    metadata: options.metadata ?? {},
    content,
    buffers: options.buffers ?? [],
  };
}

/**
 * The kernel's running count in a msg_id from jupyter_client ≥ 7 (`<session>_<pid>_<n>`), with the
 * `<session>_<pid>` it counts within; undefined for other msg_id forms (older kernels, other languages).
 */
export function messageSequence(msgId: string | undefined): { source: string; n: number } | undefined {
  if (!msgId) return undefined;
  const m = /^(.+_\d+)_(\d+)$/.exec(msgId);
  return m ? { source: m[1], n: Number(m[2]) } : undefined;
}
