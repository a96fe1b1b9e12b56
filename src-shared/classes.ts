/**
 * The product's structures. Ids are the integer values in every label map; colours are the
 * product's identity (UI overlays, reports, DICOM SEG recommended display values, OBJ materials).
 */
export interface StructureClass {
  id: number;
  key: string;
  name: string;
  rgb: [number, number, number];
  /** SNOMED CT anatomic code used in DICOM SEG (category: Anatomical Structure, SCT 123037004). */
  snomed: { code: string; meaning: string } | null;
}

export const CLASSES: readonly StructureClass[] = [
  { id: 0, key: 'background', name: 'Background', rgb: [0, 0, 0], snomed: null },
  { id: 1, key: 'ascending_aorta', name: 'Ascending aorta', rgb: [255, 255, 255], snomed: { code: '54247002', meaning: 'Ascending aorta' } },
  { id: 2, key: 'left_atrium', name: 'Left atrium', rgb: [255, 0, 0], snomed: { code: '82471001', meaning: 'Left atrium' } },
  { id: 3, key: 'left_ventricle', name: 'Left ventricle', rgb: [0, 0, 255], snomed: { code: '87878005', meaning: 'Left ventricle' } },
  { id: 4, key: 'right_atrium', name: 'Right atrium', rgb: [255, 255, 0], snomed: { code: '73829009', meaning: 'Right atrium' } },
  { id: 5, key: 'right_ventricle', name: 'Right ventricle', rgb: [0, 255, 0], snomed: { code: '53085002', meaning: 'Right ventricle' } },
  { id: 6, key: 'descending_aorta', name: 'Descending aorta', rgb: [128, 0, 128], snomed: { code: '32672002', meaning: 'Descending aorta' } },
  { id: 7, key: 'pulmonary_artery', name: 'Pulmonary artery', rgb: [0, 255, 255], snomed: { code: '81040000', meaning: 'Pulmonary artery' } },
  { id: 8, key: 'vena_cava', name: 'Vena cava', rgb: [255, 165, 0], snomed: { code: '35532006', meaning: 'Vena cava' } },
] as const;

export const NUM_CLASSES = CLASSES.length;
export const FOREGROUND_CLASSES = CLASSES.filter((c) => c.id !== 0);

export const CLASS_ID = Object.fromEntries(CLASSES.map((c) => [c.key, c.id])) as Record<string, number>;

export function classById(id: number): StructureClass | undefined {
  return CLASSES[id];
}
