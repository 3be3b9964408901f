import type { KernelUsage } from '../../core/variables';

const gib = (n: number) => `${(n / 1024 ** 3).toFixed(1)} GB`;
const mib = (n: number) => (n >= 1024 ** 3 ? gib(n) : `${Math.round(n / 1024 ** 2)} MB`);

/**
 * The kernel's resources in one line, as the Variables view's top and the status bar's tooltip show
 * them: "Kernel: CPU 12 %, memory 143 MB · host: 2 CPUs, 3.1 GB of 23.4 GB free". Only what the kernel
 * reported; undefined when it reported nothing.
 */
export function resourceText(usage: KernelUsage | undefined): string | undefined {
  if (!usage) return undefined;
  const kernel = [
    usage.kernelCpu !== undefined ? `CPU ${Math.round(usage.kernelCpu)} %` : undefined,
    usage.kernelMemory !== undefined ? `memory ${mib(usage.kernelMemory)}` : undefined,
  ].filter(Boolean);
  const host = [
    usage.cpuCount !== undefined ? `${usage.cpuCount} CPU${usage.cpuCount === 1 ? '' : 's'}` : undefined,
    usage.hostMemoryTotal !== undefined && usage.hostMemoryAvailable !== undefined ? `${gib(usage.hostMemoryAvailable)} of ${gib(usage.hostMemoryTotal)} free` : undefined,
  ].filter(Boolean);
  const parts = [kernel.length ? `Kernel: ${kernel.join(', ')}` : undefined, host.length ? `host: ${host.join(', ')}` : undefined].filter(Boolean);
  return parts.length ? parts.join(' · ') : undefined;
}
