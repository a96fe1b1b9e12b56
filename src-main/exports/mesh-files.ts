import type { StructureClass } from '../../src-shared/classes.js';
import type { Mesh } from './mesh.js';

/**
 * Mesh file encodings. Coordinates are LPS millimetres, the frame 3D Slicer (4.11+) assumes for
 * STL/OBJ files unless the header says `SPACE=RAS`; every file also states it in its header.
 */
export const MESH_FRAME_NOTE = 'SPACE=LPS UNITS=mm';

export function encodeStl(mesh: Mesh, title: string): Uint8Array {
  const n = mesh.triangles.length / 3;
  const buf = Buffer.alloc(84 + 50 * n);
  // Latin-1 header, 80 bytes; it must not start with "solid" (readers would take it for ASCII STL).
  buf.write(`CardioSeg ${title} ${MESH_FRAME_NOTE}`.slice(0, 80), 0, 'latin1');
  buf.writeUInt32LE(n, 80);
  const p = mesh.points;
  const t = mesh.triangles;
  let o = 84;
  for (let i = 0; i < t.length; i += 3) {
    const a = 3 * t[i]!;
    const b = 3 * t[i + 1]!;
    const c = 3 * t[i + 2]!;
    const ux = p[b]! - p[a]!, uy = p[b + 1]! - p[a + 1]!, uz = p[b + 2]! - p[a + 2]!;
    const vx = p[c]! - p[a]!, vy = p[c + 1]! - p[a + 1]!, vz = p[c + 2]! - p[a + 2]!;
    let nx = uy * vz - uz * vy, ny = uz * vx - ux * vz, nz = ux * vy - uy * vx;
    const len = Math.hypot(nx, ny, nz) || 1;
    nx /= len;
    ny /= len;
    nz /= len;
    buf.writeFloatLE(nx, o);
    buf.writeFloatLE(ny, o + 4);
    buf.writeFloatLE(nz, o + 8);
    o += 12;
    for (const v of [a, b, c]) {
      buf.writeFloatLE(p[v]!, o);
      buf.writeFloatLE(p[v + 1]!, o + 4);
      buf.writeFloatLE(p[v + 2]!, o + 8);
      o += 12;
    }
    buf.writeUInt16LE(0, o);
    o += 2;
  }
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
}

export function encodeObj(mesh: Mesh, cls: StructureClass, mtlFile: string): string {
  const lines = [`# CardioSeg ${cls.name}`, `# ${MESH_FRAME_NOTE}`, `mtllib ${mtlFile}`, `o ${cls.key}`, `usemtl ${cls.key}`];
  const p = mesh.points;
  for (let i = 0; i < p.length; i += 3) lines.push(`v ${p[i]!.toFixed(4)} ${p[i + 1]!.toFixed(4)} ${p[i + 2]!.toFixed(4)}`);
  const t = mesh.triangles;
  for (let i = 0; i < t.length; i += 3) lines.push(`f ${t[i]! + 1} ${t[i + 1]! + 1} ${t[i + 2]! + 1}`);
  return `${lines.join('\n')}\n`;
}

export function encodeMtl(classes: readonly StructureClass[]): string {
  const out = ['# CardioSeg structure colours'];
  for (const c of classes) {
    const [r, g, b] = c.rgb.map((v) => (v / 255).toFixed(4));
    out.push('', `newmtl ${c.key}`, `Ka ${r} ${g} ${b}`, `Kd ${r} ${g} ${b}`, 'Ks 0.1000 0.1000 0.1000', 'Ns 20', 'd 1', 'illum 2');
  }
  return `${out.join('\n')}\n`;
}
