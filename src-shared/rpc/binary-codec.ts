/**
 * One WebSocket frame per envelope: a JSON header plus the raw bytes of every typed array in it,
 * so a 100 MB CT volume crosses without being turned into 100 million JSON numbers.
 *
 * Layout: "CSG1" | u32 LE header length | header JSON (utf-8) | zero padding to 8 | buffers,
 * each starting on an 8-byte boundary so the receiver can view them in place when aligned.
 */
const MAGIC = [0x43, 0x53, 0x47, 0x31];
const TA_KEY = '__cardioseg_ta__';

const CTORS = {
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
} as const;
type TypedName = keyof typeof CTORS;
type AnyTyped = InstanceType<(typeof CTORS)[TypedName]>;

function typedName(v: unknown): TypedName | undefined {
  if (!ArrayBuffer.isView(v)) return undefined;
  const n = (v as object).constructor.name;
  if (n in CTORS) return n as TypedName;
  // Node's Buffer is a Uint8Array subclass.
  if (v instanceof Uint8Array) return 'Uint8Array';
  return undefined;
}

interface Header {
  m: unknown;
  b: Array<[offset: number, byteLength: number, type: TypedName]>;
}

const align8 = (n: number) => (n + 7) & ~7;

export function encodeFrame(msg: unknown): Uint8Array {
  const buffers: AnyTyped[] = [];
  const strip = (v: unknown): unknown => {
    const t = typedName(v);
    if (t) {
      buffers.push(v as AnyTyped);
      return { [TA_KEY]: buffers.length - 1 };
    }
    if (Array.isArray(v)) return v.map(strip);
    if (v && typeof v === 'object') {
      const o: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) if (x !== undefined) o[k] = strip(x);
      return o;
    }
    return v;
  };
  const m = strip(msg);
  // Offsets depend on the header's length, which depends on the offsets: lay buffers out
  // relative to the data section and store that, then the decoder adds the data start.
  const b: Header['b'] = [];
  let rel = 0;
  for (const buf of buffers) {
    b.push([rel, buf.byteLength, typedName(buf) as TypedName]);
    rel = align8(rel + buf.byteLength);
  }
  const headerBytes = new TextEncoder().encode(JSON.stringify({ m, b } satisfies Header));
  const dataStart = align8(8 + headerBytes.length);
  const out = new Uint8Array(dataStart + rel);
  out.set(MAGIC, 0);
  new DataView(out.buffer).setUint32(4, headerBytes.length, true);
  out.set(headerBytes, 8);
  buffers.forEach((buf, i) => {
    out.set(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), dataStart + (b[i] as Header['b'][number])[0]);
  });
  return out;
}

export class FrameError extends Error {}

export function decodeFrame(frame: Uint8Array): unknown {
  if (frame.length < 8 || MAGIC.some((c, i) => frame[i] !== c)) throw new FrameError('Not a CardioSeg frame');
  const hlen = new DataView(frame.buffer, frame.byteOffset, frame.byteLength).getUint32(4, true);
  if (8 + hlen > frame.length) throw new FrameError('Truncated frame header');
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(frame.subarray(8, 8 + hlen))) as Header;
  } catch {
    throw new FrameError('Frame header is not JSON');
  }
  if (!header || typeof header !== 'object' || !Array.isArray(header.b)) throw new FrameError('Frame header has no buffer table');
  const dataStart = align8(8 + hlen);
  const arrays = header.b.map(([off, len, type]) => {
    const Ctor = Object.hasOwn(CTORS, type) ? CTORS[type] : undefined;
    if (!Ctor || !Number.isInteger(off) || !Number.isInteger(len) || off < 0 || len < 0) throw new FrameError('Bad buffer table entry');
    const start = dataStart + off;
    if (start + len > frame.length || len % Ctor.BYTES_PER_ELEMENT !== 0) throw new FrameError('Buffer outside the frame');
    // Copy: the socket's buffer may be pooled and is not ours to keep. (Node's Buffer#slice
    // is a view, so call Uint8Array's slice explicitly.)
    const copy = Uint8Array.prototype.slice.call(frame, start, start + len);
    return new Ctor(copy.buffer, 0, len / Ctor.BYTES_PER_ELEMENT);
  });
  const restore = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(restore);
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o[TA_KEY] === 'number' && Object.keys(o).length === 1) {
        const a = arrays[o[TA_KEY]];
        if (!a) throw new FrameError('Reference to a missing buffer');
        return a;
      }
      for (const k of Object.keys(o)) o[k] = restore(o[k]);
      return o;
    }
    return v;
  };
  return restore(header.m);
}
