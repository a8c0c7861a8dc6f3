import { realCandles } from './realCandles.js';

/**
 * The features and labels the scripts in test/reference/ compute (sklearn_logistic.py,
 * xgboost_model.py), here from the same real candle file: for bar i, r1 = 100 ln(c_i / c_{i-1}),
 * r2 and r3 the same one and two bars earlier, hl = 100 (h_i - l_i) / c_i; the label is the next
 * bar's return: 2 (UP) above 0.1, 0 (DOWN) below -0.1, else 1 (NEUTRAL). Rows i = 3 .. n-2.
 */
export function referenceFeatures(file: string): { rows: Float64Array[]; labels: Int32Array } {
  const { close: c, high: h, low: l } = realCandles(Infinity, file);
  const r = (i: number) => 100 * Math.log(c[i] / c[i - 1]);
  const rows: Float64Array[] = [];
  const labels: number[] = [];
  for (let i = 3; i < c.length - 1; i++) {
    rows.push(Float64Array.of(r(i), r(i - 1), r(i - 2), (100 * (h[i] - l[i])) / c[i]));
    const next = r(i + 1);
    labels.push(next > 0.1 ? 2 : next < -0.1 ? 0 : 1);
  }
  return { rows, labels: Int32Array.from(labels) };
}
