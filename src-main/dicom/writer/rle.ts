/**
 * DICOM RLE Lossless (PS3.5 Annex G): each byte plane of a frame is a PackBits segment, most
 * significant byte first, after a 64-byte header of segment offsets. Rows are encoded
 * separately (G.3.1 requires that a run never crosses a row end).
 */

class ByteSink {
  buf: Uint8Array;
  len = 0;
  constructor(capacity: number) {
    this.buf = new Uint8Array(Math.max(64, capacity));
  }
  ensure(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + extra));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }
  push(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b;
  }
  pushRange(src: Uint8Array, start: number, end: number): void {
    this.ensure(end - start);
    this.buf.set(src.subarray(start, end), this.len);
    this.len += end - start;
  }
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
}

/** PackBits one row: replicate runs of >= 3 equal bytes, literals otherwise; 128 bytes max each. */
export function packBitsRow(src: Uint8Array, start: number, end: number, out: ByteSink): void {
  let i = start;
  while (i < end) {
    let run = 1;
    while (i + run < end && run < 128 && src[i + run] === src[i]) run++;
    if (run >= 3) {
      out.push(257 - run); // -(run - 1) as a signed byte
      out.push(src[i]);
      i += run;
      continue;
    }
    const litStart = i;
    while (i < end && i - litStart < 128) {
      if (i + 2 < end && src[i] === src[i + 1] && src[i] === src[i + 2]) break;
      i++;
    }
    out.push(i - litStart - 1);
    out.pushRange(src, litStart, i);
  }
}

/** Encode one frame of 16-bit samples (as stored in memory, any sign) to an RLE frame. */
export function rleEncodeFrame16(samples: Int16Array | Uint16Array, rows: number, columns: number): Uint8Array {
  const n = rows * columns;
  const hi = new Uint8Array(n);
  const lo = new Uint8Array(n);
  for (let p = 0; p < n; p++) {
    const v = samples[p] & 0xffff;
    hi[p] = v >> 8;
    lo[p] = v & 0xff;
  }
  const segments = [hi, lo].map((plane) => {
    const sink = new ByteSink(plane.length / 2);
    for (let r = 0; r < rows; r++) packBitsRow(plane, r * columns, (r + 1) * columns, sink);
    if (sink.len % 2) sink.push(0); // segments are padded to even length
    return sink.bytes();
  });
  const out = new Uint8Array(64 + segments[0].length + segments[1].length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, segments.length, true);
  let offset = 64;
  segments.forEach((s, k) => {
    dv.setUint32(4 + 4 * k, offset, true);
    out.set(s, offset);
    offset += s.length;
  });
  return out;
}

/** PackBits decoder for one segment; used by the tests to prove the encoder round-trips. */
export function unpackBits(seg: Uint8Array, expected: number): Uint8Array {
  const out = new Uint8Array(expected);
  let o = 0;
  let i = 0;
  while (i < seg.length && o < expected) {
    const h = seg[i++];
    if (h < 128) {
      out.set(seg.subarray(i, i + h + 1), o);
      o += h + 1;
      i += h + 1;
    } else if (h > 128) {
      out.fill(seg[i++], o, o + 257 - h);
      o += 257 - h;
    }
  }
  return out;
}

export { ByteSink };
