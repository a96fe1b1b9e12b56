/** The project's own DICOM Part-10 writer (CT Image Storage series). */
export { writeCtSeries, ctSliceDataset, RESCALE_INTERCEPT, RESCALE_SLOPE, type CtSeriesOptions, type CtSeriesResult } from './ct-series.js';
export { encodePart10, encodeElements, formatDS, tag, type DataElement, type Vr, type Encapsulated } from './encode.js';
export { rleEncodeFrame16, unpackBits } from './rle.js';
export { TRANSFER_SYNTAXES, TRANSFER_SYNTAX_NAMES, CT_IMAGE_STORAGE, type TransferSyntaxName, type TransferSyntax } from './transfer-syntax.js';
export { derivedUid, randomUid, uuidToUid } from './uids.js';
