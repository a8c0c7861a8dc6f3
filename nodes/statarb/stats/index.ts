/** The statistics behind statarb.* nodes, each checked against statsmodels 0.13.5 (test/statarbReference.test.ts). */
export { ols, type SimpleOls } from './ols.js';
export { qrFit, linearFit, olsLogLikelihood, type QrFit, type LinearFit } from './leastSquares.js';
export { adfuller, adfDefaultMaxlag, type AdfOptions, type AdfResult } from './adfuller.js';
export { coint, type CointOptions, type CointResult } from './coint.js';
export { mackinnonp, mackinnoncrit, type Regression } from './mackinnon.js';
export { halfLife, type HalfLife } from './halfLife.js';
export { KalmanHedge } from './kalman.js';
export { normCdf, erfc } from './normal.js';
