/**
 * Which offset of a partition may be committed when messages finish out of order: commands of
 * different conversations complete in any order, but Kafka's committed offset means "everything
 * before this is done". The commit point is the lowest offset still in progress (or one past the
 * highest finished when nothing is), so a crash never skips an unfinished command; it may redo
 * finished ones, which the outbound_messages record makes harmless.
 */
export class OffsetTracker {
  readonly #pending = new Map<string, Set<bigint>>();
  readonly #highestDone = new Map<string, bigint>();
  readonly #committed = new Map<string, bigint>();

  static key(topic: string, partition: number): string {
    return `${topic}\u0000${partition}`;
  }

  track(topic: string, partition: number, offset: string): void {
    const k = OffsetTracker.key(topic, partition);
    let set = this.#pending.get(k);
    if (!set) {
      set = new Set();
      this.#pending.set(k, set);
    }
    set.add(BigInt(offset));
  }

  complete(topic: string, partition: number, offset: string): void {
    const k = OffsetTracker.key(topic, partition);
    const o = BigInt(offset);
    this.#pending.get(k)?.delete(o);
    if (o > (this.#highestDone.get(k) ?? -1n)) this.#highestDone.set(k, o);
  }

  /** Offsets to commit now (only partitions whose commit point moved). */
  commitPoints(): { topic: string; partition: number; offset: string }[] {
    const out: { topic: string; partition: number; offset: string }[] = [];
    for (const k of new Set([...this.#pending.keys(), ...this.#highestDone.keys()])) {
      const pending = this.#pending.get(k);
      let point: bigint | undefined;
      if (pending && pending.size > 0) {
        let min: bigint | undefined;
        for (const o of pending) if (min === undefined || o < min) min = o;
        point = min;
      } else {
        const done = this.#highestDone.get(k);
        if (done !== undefined) point = done + 1n;
      }
      if (point === undefined || point <= (this.#committed.get(k) ?? -1n)) continue;
      this.#committed.set(k, point);
      const [topic, partition] = k.split('\u0000') as [string, string];
      out.push({ topic, partition: Number(partition), offset: point.toString() });
    }
    return out;
  }

  /** Commands received but not finished, over all partitions. */
  get inFlight(): number {
    let n = 0;
    for (const s of this.#pending.values()) n += s.size;
    return n;
  }

  /** Partitions with anything tracked, as [topic, partition] pairs. */
  partitions(): [string, number][] {
    const keys = new Set([...this.#pending.keys(), ...this.#highestDone.keys()]);
    return [...keys].map((k) => {
      const [topic, partition] = k.split('\u0000') as [string, string];
      return [topic, Number(partition)];
    });
  }

  /** Forgets a partition this consumer no longer owns (after a rebalance). */
  forget(topic: string, partition: number): void {
    const k = OffsetTracker.key(topic, partition);
    this.#pending.delete(k);
    this.#highestDone.delete(k);
    this.#committed.delete(k);
  }
}
