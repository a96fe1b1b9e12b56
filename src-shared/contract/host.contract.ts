import { z } from 'zod';
import { method, service } from '../rpc/define.js';
import { HttpUrlSchema, PathSchema } from './common.js';
import { DefaultModelStateSchema } from './system.contract.js';

/**
 * Native desktop affordances (folder dialog, opening a folder in the file manager), the
 * recent-studies list and the persisted user settings (adopted default model, UI preferences).
 * In web mode there is no native dialog: `supported: false` tells the UI to show a path field
 * instead.
 */
export const RecentStudySchema = z.object({
  path: z.string(),
  patientName: z.string().optional(),
  description: z.string().optional(),
  seriesCount: z.number().int().nonnegative().optional(),
  /** ISO 8601 time of the last open. */
  openedAt: z.string(),
});
export type RecentStudy = z.infer<typeof RecentStudySchema>;

const RecentList = z.object({ studies: z.array(RecentStudySchema) });

/** Choices the UI remembers across sessions; null = never set. */
export const PreferencesSchema = z.object({
  /** DICOMweb STOW-RS endpoint of the last successful "Send SEG to PACS". */
  stowUrl: HttpUrlSchema.nullable(),
});
export type Preferences = z.infer<typeof PreferencesSchema>;

export const hostContract = service({
  methods: {
    pickFolder: method({
      summary: 'Ask the user for a folder with the native dialog (supported: false in web mode)',
      input: z.object({ title: z.string().max(200).optional(), defaultPath: PathSchema.optional() }),
      output: z.object({ supported: z.boolean(), path: z.string().nullable() }),
    }),
    openFolder: method({
      summary: 'Show a folder in the system file manager (supported: false in web mode)',
      input: z.object({ path: PathSchema }),
      output: z.object({ supported: z.boolean(), opened: z.boolean() }),
    }),
    workDir: method({
      summary: 'A private working folder for a study (segmentations, ROI files), created if missing',
      input: z.object({ study: z.string().min(1).max(4096) }),
      output: z.object({ path: z.string() }),
    }),
    modelSummary: method({
      summary: "A model folder's recorded validation (training-result.json), to compare models before adopting one",
      input: z.object({ dir: PathSchema }),
      output: z.object({
        dir: z.string(),
        found: z.boolean(),
        meanForegroundDice: z.number().nullable(),
        /** Per class id (index = id), null where the class was not measured. */
        dice: z.array(z.number().nullable()),
        validationPatients: z.array(z.string()),
      }),
    }),
    listRecent: method({
      summary: 'Recently opened studies, newest first',
      input: z.object({}),
      output: RecentList,
    }),
    addRecent: method({
      summary: 'Remember a study folder (moves it to the top; keeps the newest 20)',
      input: RecentStudySchema.omit({ openedAt: true }),
      output: RecentList,
    }),
    clearRecent: method({
      summary: 'Forget all recent studies',
      input: z.object({}),
      output: RecentList,
    }),
    getDefaultModel: method({
      summary: 'The model segmentation uses when none is named: the adopted one, else the bundled one',
      input: z.object({}),
      output: DefaultModelStateSchema,
    }),
    setDefaultModel: method({
      summary: 'Adopt a model folder as the default (checked to load first), or null to restore the bundled model',
      input: z.object({ dir: PathSchema.nullable() }),
      output: DefaultModelStateSchema,
    }),
    getPreferences: method({
      summary: 'UI choices remembered in the settings file',
      input: z.object({}),
      output: PreferencesSchema,
    }),
    setPreferences: method({
      summary: 'Remember UI choices (a field left out is unchanged, null forgets it)',
      input: PreferencesSchema.partial(),
      output: PreferencesSchema,
    }),
  },
});
