import type { KernelConnection } from './kernel-connection';

/**
 * A kernel subshell of one client's own (JEP 91, ipykernel 7): made when first asked for, forgotten when
 * the kernel restarts (it has none of ours then), deleted when the client leaves. Completions and the
 * variable inspector each keep one, so that neither waits behind the other.
 */
export class OwnSubshell {
  private pending: Promise<string | undefined> | undefined;
  /** Its id, once made. */
  private made: string | undefined;
  private readonly statusSubscription: { dispose(): void };

  constructor(private readonly kernel: KernelConnection) {
    this.statusSubscription = kernel.onStatus((status) => {
      if (status === 'restarting' || status === 'starting') this.forget();
    });
  }

  /** The kernel announces subshells (ipykernel 7 says `kernel subshells` in kernel_info). */
  get available(): boolean {
    return this.kernel.supportedFeatures.includes('kernel subshells');
  }

  /** Its id, made now if need be; undefined when the kernel made none (asked again next time). */
  id(): Promise<string | undefined> {
    this.pending ??= this.kernel.request('control', 'create_subshell_request', {}, 3000).then(
      (reply) => (this.made = typeof reply.content.subshell_id === 'string' ? reply.content.subshell_id : undefined),
      () => {
        this.pending = undefined;
        return undefined;
      },
    );
    return this.pending;
  }

  /** The next `id()` makes another (this one is gone, or stuck). */
  forget(): void {
    this.pending = this.made = undefined;
  }

  /**
   * Deletes it, sent in this tick (the connection usually closes right after), its answer not waited for.
   * Not while code runs: its idle would have the server take the running kernel for idle right as the
   * window leaves it; the subshell then stays until the kernel ends.
   */
  delete(): void {
    if (this.made && this.kernel.status !== 'closed' && !this.kernel.hasGivenUp && !this.kernel.isRunningCode) {
      void this.kernel.request('control', 'delete_subshell_request', { subshell_id: this.made }, 2000).catch(() => undefined);
    }
    this.forget();
  }

  dispose(): void {
    this.delete();
    this.statusSubscription.dispose();
  }
}
