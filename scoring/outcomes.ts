// The outcomes of one leaf within one compute() call, by input key (RuleModule.key): equal keys
// give equal outcomes, so each distinct key is evaluated once. An open-addressing hash table over
// the keys (non-negative integers below 2^53). Each slot keeps, next to its key, what scoring a
// unit reads on every leaf (the score as a fraction of safe integers, and whether the leaf is N/A),
// so that reusing an outcome reads one small block of memory.
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
/** Numbers per slot: key, score numerator, score denominator (0 when the score is held as BigInts), N/A (1 or 0). */
const STRIDE = 4;

export class OutcomeTable {
  /** The capacity is a power of two, at least twice the size. */
  private slots = new Float64Array(16 * STRIDE).fill(EMPTY);
  private outcomes: Array<Outcome | undefined> = new Array<Outcome | undefined>(16).fill(undefined);
  private results: Array<LeafResult | undefined> = new Array<LeafResult | undefined>(16).fill(undefined);
  private shift = 28;
  size = 0;
  /** The result of the last N/A input on the leaf, and its reason: reused for the next N/A input with that reason. */
  naReason = "";
  naResult: LeafResult | null = null;

  private home(key: number): number {
    const mixed = (key >>> 0) ^ Math.imul((key / TWO_32) >>> 0, 0x85ebca6b);
    return Math.imul(mixed, 0x9e3779b1) >>> this.shift;
  }

  /** The slot holding the key's outcome, or -1. */
  find(key: number): number {
    const slots = this.slots;
    const mask = this.results.length - 1;
    for (let i = this.home(key); ; i = (i + 1) & mask) {
      const k = slots[i * STRIDE];
      if (k === key) return i;
      if (k === EMPTY) return -1;
    }
  }

  get(key: number): Outcome | undefined {
    const i = this.find(key);
    return i < 0 ? undefined : this.outcomes[i];
  }

  result(slot: number): LeafResult {
    return this.results[slot] as LeafResult;
  }

  outcome(slot: number): Outcome {
    return this.outcomes[slot] as Outcome;
  }

  /** The numerator of the outcome's score. */
  numerator(slot: number): number {
    return this.slots[slot * STRIDE + 1];
  }

  /** The denominator of the outcome's score, or 0 when the score is held as BigInts (outcome(slot).score). */
  denominator(slot: number): number {
    return this.slots[slot * STRIDE + 2];
  }

  na(slot: number): boolean {
    return this.slots[slot * STRIDE + 3] === 1;
  }

  /** Keep the outcome of a key not yet in the table, while the table holds fewer than OUTCOMES_PER_LEAF. */
  add(key: number, outcome: Outcome): void {
    if (this.size >= OUTCOMES_PER_LEAF) return;
    if ((this.size + 1) * 2 > this.results.length) this.grow();
    this.put(key, outcome);
    this.size++;
  }

  private put(key: number, outcome: Outcome): void {
    const slots = this.slots;
    const mask = this.results.length - 1;
    let i = this.home(key);
    while (slots[i * STRIDE] !== EMPTY) i = (i + 1) & mask;
    const s = outcome.score;
    slots[i * STRIDE] = key;
    slots[i * STRIDE + 1] = s.P === null ? s.p : 0;
    slots[i * STRIDE + 2] = s.P === null ? s.q : 0;
    slots[i * STRIDE + 3] = outcome.result.na ? 1 : 0;
    this.outcomes[i] = outcome;
    this.results[i] = outcome.result;
  }

  private grow(): void {
    const capacity = this.results.length;
    const slots = this.slots;
    const outcomes = this.outcomes;
    this.slots = new Float64Array(capacity * 2 * STRIDE).fill(EMPTY);
    this.outcomes = new Array<Outcome | undefined>(capacity * 2).fill(undefined);
    this.results = new Array<LeafResult | undefined>(capacity * 2).fill(undefined);
    this.shift--;
    for (let i = 0; i < capacity; i++) if (slots[i * STRIDE] !== EMPTY) this.put(slots[i * STRIDE], outcomes[i] as Outcome);
  }
}
