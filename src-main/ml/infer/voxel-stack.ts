/** Growable LIFO of voxel indices for flood fills (order is irrelevant to what a flood reaches). */
export class VoxelStack {
  private buf: Int32Array;
  size = 0;
  constructor(initial = 1 << 16) {
    this.buf = new Int32Array(initial);
  }
  clear(): void {
    this.size = 0;
  }
  push(v: number): void {
    if (this.size === this.buf.length) {
      const next = new Int32Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.size++] = v;
  }
  pop(): number {
    return this.buf[--this.size]!;
  }
}
