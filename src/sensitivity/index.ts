// Global sensitivity analysis over the unit hypercube: Morris's elementary effects (morris.ts) and
// Sobol' indices from Saltelli's design (sobol.ts), with seeded percentile bootstrap intervals
// (random.ts). Pure: no node:*, no I/O; the caller maps [0, 1]^k to the parameters and runs the
// model on each design row.

export { type BootstrapOptions, DEFAULT_LEVEL, DEFAULT_RESAMPLES, type Seed, percentileInterval, quantileSorted } from "./random.js";
export { DEFAULT_MORRIS_LEVELS, type MorrisDesign, type MorrisIndices, type MorrisOptions, morrisDesign, morrisIndices } from "./morris.js";
export { type SaltelliDesign, type SaltelliLayout, type SaltelliOptions, type SobolIndices, saltelliDesign, saltelliRow, sobolIndices } from "./sobol.js";
