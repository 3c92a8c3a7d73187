/**
 * Runs work per conversation: items with the same key run one at a time in arrival order (so a
 * recipient gets messages in command order), different keys run concurrently up to a cap
 * (MAX_CONCURRENT_CHATS). A slow or throttled conversation occupies only its own slot.
 */
export class ConversationScheduler<T> {
  readonly #queues = new Map<string, T[]>();
  readonly #ready: string[] = [];
  readonly #active = new Set<string>();
  readonly #maxConcurrent: number;
  readonly #run: (key: string, item: T) => Promise<void>;
  readonly #onError: (err: unknown, key: string, item: T) => void;
  #size = 0;
  #idleWaiters: (() => void)[] = [];

  constructor(options: {
    maxConcurrent: number;
    run: (key: string, item: T) => Promise<void>;
    /** The runner is expected to handle its own failures; this only reports what escaped it. */
    onError: (err: unknown, key: string, item: T) => void;
  }) {
    this.#maxConcurrent = options.maxConcurrent;
    this.#run = options.run;
    this.#onError = options.onError;
  }

  /** Items queued or running. */
  get size(): number {
    return this.#size;
  }

  get activeConversations(): number {
    return this.#active.size;
  }

  enqueue(key: string, item: T): void {
    this.#size++;
    const queue = this.#queues.get(key);
    if (queue) {
      queue.push(item);
      return;
    }
    this.#queues.set(key, [item]);
    this.#ready.push(key);
    this.#pump();
  }

  /** Resolves when nothing is queued or running. */
  idle(): Promise<void> {
    if (this.#size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #pump(): void {
    while (this.#active.size < this.#maxConcurrent && this.#ready.length > 0) {
      const key = this.#ready.shift() as string;
      this.#active.add(key);
      void this.#drain(key);
    }
  }

  async #drain(key: string): Promise<void> {
    const queue = this.#queues.get(key) as T[];
    // Only one conversation's turn per slot: after one item it goes to the back of the line, so a
    // chat with a long backlog cannot monopolise a slot while others wait.
    const item = queue.shift() as T;
    try {
      await this.#run(key, item);
    } catch (err) {
      this.#onError(err, key, item);
    }
    this.#size--;
    this.#active.delete(key);
    if (queue.length > 0) this.#ready.push(key);
    else this.#queues.delete(key);
    if (this.#size === 0) {
      const waiters = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const w of waiters) w();
    }
    this.#pump();
  }
}
