/** NIfTI-1 (.nii / .nii.gz) in and out of the app's LPS Volume record. */
export { readNifti, readNiftiDetailed, parseNifti, type ParsedNifti } from './read.js';
export { writeNifti, encodeNifti, type WriteNiftiOptions } from './write.js';
export { rasAffineOf, geometryFromRasAffine } from './geometry.js';
