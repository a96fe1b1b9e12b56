/**
 * File and folder names built from DICOM text (patient name, series description) must be safe on
 * every platform we ship: no separators or traversal, no control characters, no Windows device
 * names, no trailing dots/spaces, and bounded length.
 */
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)$/i;
const MAX_NAME = 64;

export function sanitizeName(raw: string, fallback = 'unnamed'): string {
  let s = raw
    .normalize('NFC')
    // DICOM PN components are separated by '^'; a space reads better in a file name.
    .replace(/\^+/g, ' ')
    // Control chars, path separators and the characters Windows forbids.
    .replace(/[\u0000-\u001f\u007f-\u009f<>:"/\\|?*]/g, '_')
    .replace(/\s+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^[._\s-]+|[._\s]+$/g, '');
  // Drop ".." runs that survive as inner text ("a..b" is harmless, but keep names plain).
  s = s.replace(/\.{2,}/g, '.');
  if (s.length > MAX_NAME) s = s.slice(0, MAX_NAME).replace(/[._\s]+$/g, '');
  const stem = s.split('.')[0] ?? '';
  if (!s || WINDOWS_RESERVED.test(stem)) s = s ? `_${s}` : fallback;
  return s;
}

/** A base name for one export: patient + series, each sanitised; empty parts are skipped. */
export function exportBaseName(parts: Array<string | null | undefined>, fallback = 'cardioseg'): string {
  const clean = parts.map((p) => (p ? sanitizeName(p, '') : '')).filter((p) => p.length > 0);
  return clean.length ? sanitizeName(clean.join('_'), fallback) : fallback;
}
