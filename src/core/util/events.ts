/** Core's own tiny event and disposal primitives (src/vscode adapts them to VS Code's). */
export interface Disposable {
  dispose(): void;
}

export type Event<T> = (listener: (value: T) => void) => Disposable;

export class Emitter<T> {
  private listeners: ((value: T) => void)[] = [];
  private disposed = false;

  readonly event: Event<T> = (listener) => {
    if (this.disposed) return { dispose() {} };
    this.listeners.push(listener);
    return {
      dispose: () => {
        this.listeners = this.listeners.filter((l) => l !== listener);
      },
    };
  };

  fire(value: T): void {
    for (const l of [...this.listeners]) {
      try {
        l(value);
      } catch {
        // a listener's failure must not break the others or the sender
      }
    }
  }

  dispose(): void {
    this.disposed = true;
    this.listeners = [];
  }
}
