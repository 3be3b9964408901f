// Types for scripts/jupyter-stack.mjs (plain Node so bootstrap runs it before `npm ci`).
export const requirementsFile: string;
/** The venv of today's stack: `bin/jupyter-server`, `bin/jupyter-lab`, `bin/jupyter-notebook`, `bin/python`. */
export const currentStackDir: string;
export function pipIndexArgs(pip: string): string[];
export function installCurrentStack(): string;
