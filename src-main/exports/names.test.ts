import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportBaseName, sanitizeName } from './names.js';

describe('sanitizeName', () => {
  it('removes traversal and separators', () => {
    for (const raw of ['../../etc/passwd', '..\\..\\windows\\system32', '/abs/path', 'a/../b']) {
      const s = sanitizeName(raw);
      expect(s).not.toMatch(/[/\\]/);
      expect(s.startsWith('.')).toBe(false);
      expect(path.join('/out', s).startsWith('/out/')).toBe(true);
      expect(path.normalize(path.join('/out', s))).toBe(path.join('/out', s));
    }
  });
  it('renames Windows device names', () => {
    for (const raw of ['CON', 'nul', 'Com1', 'LPT9.txt', 'aux']) expect(sanitizeName(raw).startsWith('_')).toBe(true);
    expect(sanitizeName('CONTRAST')).toBe('CONTRAST');
  });
  it('drops control characters, keeps accents, limits length', () => {
    expect(sanitizeName('Müller^Jörg\u0000\u0007\n')).toBe('Müller_Jörg');
    expect(sanitizeName('x'.repeat(500)).length).toBeLessThanOrEqual(64);
    expect(sanitizeName('   ')).toBe('unnamed');
    expect(sanitizeName('name. ')).toBe('name');
  });
  it('joins DICOM parts', () => {
    expect(exportBaseName(['DOE^JOHN', 'CT <Heart> 0.6 mm'])).toBe('DOE_JOHN_CT_Heart_0.6_mm');
    expect(exportBaseName(['', undefined, '..'])).toBe('cardioseg');
  });
});
