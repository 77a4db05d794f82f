/** Growable typed arrays for building sparse rows. */

/**
 * A growable Int32Array.
 *
 * @example
 * ```ts
 * const buf = new IntBuffer(16);
 * buf.push(7);
 * buf.view(); // Int32Array [7]
 * ```
 */
export class IntBuffer {
  data: Int32Array;
  length = 0;

  constructor(capacity = 1024) {
    this.data = new Int32Array(capacity);
  }

  push(value: number): void {
    if (this.length === this.data.length) this.reserve(this.length + 1);
    this.data[this.length++] = value;
  }

  /** Makes room for at least `capacity` items. */
  reserve(capacity: number): void {
    if (capacity <= this.data.length) return;
    const next = new Int32Array(Math.max(capacity, this.data.length * 2));
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }

  /** A view of the items. */
  view(): Int32Array {
    return this.data.subarray(0, this.length);
  }
}

/**
 * A growable Float64Array.
 *
 * @example
 * ```ts
 * const buf = new FloatBuffer(16);
 * buf.reserve(1000); // buf.data.length >= 1000
 * ```
 */
export class FloatBuffer {
  data: Float64Array;
  length = 0;

  constructor(capacity = 1024) {
    this.data = new Float64Array(capacity);
  }

  /** Makes room for at least `capacity` items. */
  reserve(capacity: number): void {
    if (capacity <= this.data.length) return;
    const next = new Float64Array(Math.max(capacity, this.data.length * 2));
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
}
