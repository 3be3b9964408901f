// Types for scripts/code-server.mjs (plain Node so the `code` stand-in runs without a compiler).
import type { Browser } from 'playwright-core';

export const CODE_SERVER_VERSION: string;
export const installDir: string;
export const codeServerBin: string;
export function installCodeServer(): string;
export function freePort(): Promise<number>;

export interface CodeServer {
  port: number;
  /** `http://127.0.0.1:PORT`. */
  origin: string;
  pid: number;
  /** What code-server printed (the last 100–200 KB). */
  log(): string;
  /** SIGKILL to its process group. */
  stop(): void;
}

export function startCodeServer(options: {
  /** XDG config/data dirs, and user-data/extensions unless given. */
  stateDir: string;
  userDataDir?: string;
  extensionsDir?: string;
  env?: NodeJS.ProcessEnv;
  folder?: string;
  /** Written to the user's settings.json. */
  settings?: Record<string, unknown>;
}): Promise<CodeServer>;

export function workbenchUrl(origin: string, folder: string, payload?: [string, string][]): string;
export const CHROMIUM_ARGS: string[];
export function launchChromium(): Promise<Browser>;
