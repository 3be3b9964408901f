import type { KernelStatus } from '../core/kernel';
import type { ServerState } from './server-connections';

const SERVER_ICON: Record<ServerState, string> = {
  unchecked: '$(server)',
  connecting: '$(sync~spin)',
  connected: '$(server)',
  unreachable: '$(debug-disconnect)',
  'auth-needed': '$(key)',
  stopped: '$(debug-pause)',
};

const SERVER_WORDS: Record<ServerState, string> = {
  unchecked: 'not checked yet',
  connecting: 'connecting',
  connected: 'connected',
  unreachable: 'unreachable',
  'auth-needed': 'login needed',
  stopped: 'not running on the Hub',
};

const KERNEL_WORDS: Partial<Record<KernelStatus, string>> = {
  connecting: 'kernel connecting',
  starting: 'kernel starting',
  idle: 'idle',
  busy: 'busy',
  restarting: 'restarting',
  dead: 'kernel dead',
  disconnected: 'disconnected',
  reconnecting: 'reconnecting',
};

/** What the status bar item says, as data (so the wording is tested without a window). */
export function statusBarText(name: string, server: ServerState, kernel: KernelStatus | undefined): { text: string; tooltip: string; warning: boolean } {
  const kernelWords = kernel ? KERNEL_WORDS[kernel] : undefined;
  const serverSuffix = server === 'unreachable' || server === 'auth-needed' || server === 'connecting' || server === 'stopped' ? ` (${SERVER_WORDS[server]})` : '';
  const kernelSuffix = kernelWords ? ` · ${kernel === 'busy' ? '$(circle-filled) ' : kernel === 'idle' ? '$(circle-outline) ' : ''}${kernelWords}` : '';
  return {
    text: `${SERVER_ICON[server]} ${name}${serverSuffix}${kernelSuffix}`,
    tooltip: `Jupyter server ${name}: ${SERVER_WORDS[server]}${kernelWords ? `; this notebook's kernel: ${kernelWords}` : ''}. Click to switch, reconnect or manage servers.`,
    warning: server === 'unreachable' || server === 'auth-needed' || server === 'stopped' || kernel === 'dead' || kernel === 'disconnected',
  };
}
