/** Deterministic synthetic cardiac CT phantom (CT + truth labels + known mitral annulus). */
export { generatePhantom, generatePhantomAsync, GENERATOR_VERSION, type PhantomResult } from './generate.js';
export { PRESETS, phantomName, resolveGrid, type PhantomParams, type PhantomPreset } from './params.js';
export { structureVolumes, type PhantomTruth, type AnnulusTruth, type StructureTruth } from './truth.js';
export { writePhantomFolder, generatePhantomFolder, type PhantomFiles, type WritePhantomOptions } from './output.js';
export { getPhantomFixture, fixtureDirName, PHANTOM_CACHE_DIR, type PhantomFixture, type FixtureRequest } from './fixture.js';
