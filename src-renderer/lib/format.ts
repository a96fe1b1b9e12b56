/** DICOM person name (Family^Given^Middle^Prefix^Suffix) as a reader expects it: "Family, Given Middle". */
export function personName(pn: string | undefined | null): string {
  if (!pn) return '';
  const [family = '', given = '', middle = ''] = pn.split('=')[0]?.split('^') ?? [];
  const rest = [given, middle].filter(Boolean).join(' ');
  return rest ? `${family}, ${rest}` : family;
}
