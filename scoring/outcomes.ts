// The outcomes of one leaf within one compute() call, by input key (RuleModule.key): equal keys
// give equal outcomes, so each distinct key is evaluated once. An open-addressing hash table over
// the keys (non-negative integers below 2^53): a lookup is a few arithmetic operations and array
// reads, with no call into the engine's Map.
import type { Rat } from "./rational";
import type { LeafResult } from "./schema";

/** A leaf's result for one input, reused (the same object) for inputs with the same key. */
export interface Outcome {
  result: LeafResult;
  score: Rat;
  deducted: Rat;
}

/** Distinct outcomes kept per leaf; inputs with other keys are evaluated every time. */
export const OUTCOMES_PER_LEAF = 4096;

const EMPTY = -1;
const TWO_32 = 4294967296;

export class OutcomeTable {
  /** Slots: the key (EMPTY when free) and its outcome; the capacity is a power of two, at least twice the size. */
  private keys = new Float64Array(16).fill(EMPTY);
  private values: Array<Outcome | undefined> = new Array<Outcome | undefined>(16).fill(undefined);
  private shift = 28;
  size = 0;
  /** The result of the last N/A input on the leaf, and its reason: reused for the next N/A input with that reason. */
  naReason = "";
  naResult: LeafResult | null = null;

  private slot(key: number): number {
    const mixed = (key >>> 0) ^ Math.imul((key / TWO_32) >>> 0, 0x85ebca6b);
    return Math.imul(mixed, 0x9e3779b1) >>> this.shift;
  }

  get(key: number): Outcome | undefined {
    const keys = this.keys;
    const mask = keys.length - 1;
    for (let i = this.slot(key); ; i = (i + 1) & mask) {
      const k = keys[i];
      if (k === key) return this.values[i];
      if (k === EMPTY) return undefined;
    }
  }

  /** Keep the outcome of a key not yet in the table, while the table holds fewer than OUTCOMES_PER_LEAF. */
  add(key: number, outcome: Outcome): void {
    if (this.size >= OUTCOMES_PER_LEAF) return;
    if ((this.size + 1) * 2 > this.keys.length) this.grow();
    this.put(key, outcome);
    this.size++;
  }

  private put(key: number, outcome: Outcome): void {
    const keys = this.keys;
    const mask = keys.length - 1;
    let i = this.slot(key);
    while (keys[i] !== EMPTY) i = (i + 1) & mask;
    keys[i] = key;
    this.values[i] = outcome;
  }

  private grow(): void {
    const keys = this.keys;
    const values = this.values;
    this.keys = new Float64Array(keys.length * 2).fill(EMPTY);
    this.values = new Array<Outcome | undefined>(keys.length * 2).fill(undefined);
    this.shift--;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== EMPTY) this.put(keys[i], values[i] as Outcome);
  }
}
