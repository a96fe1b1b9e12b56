export { readSeg, SEG_SOP_CLASS, type ReadSegOptions, type ReadSegResult, type SegSegment, type SegTarget } from './read-seg.js';
