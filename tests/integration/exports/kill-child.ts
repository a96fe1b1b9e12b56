/** Child process for the kill test: one NIfTI export, killed by the parent while it writes. */
import { runExport } from '../../../src-main/exports/run.js';

const [ctPath, labelsPath, outDir] = process.argv.slice(2) as [string, string, string];
await runExport({ ctPath, labelsPath, formats: ['nifti'], outDir, overwrite: true });
process.stdout.write('done\n');
