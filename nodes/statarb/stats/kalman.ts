/**
 * A Kalman filter for a time-varying hedge ratio (E. Chan, "Algorithmic Trading" (2013), ch. 3,
 * example 3.3; the same model as the common pykalman pairs example).
 *
 * State theta_t = [beta_t, alpha_t], a random walk: theta_t = theta_{t-1} + w_t, w_t ~ N(0, Vw),
 * Vw = delta / (1 - delta) * I. Observation: y_t = beta_t x_t + alpha_t + v_t, v_t ~ N(0, ve).
 * Each step, with F = [x_t, 1]:
 *   prediction   R = P_{t-1} + Vw,  yhat = F theta_{t-1},  Q = F R F' + ve,  e = y_t - yhat
 *   update       K = R F' / Q,  theta_t = theta_{t-1} + K e,  P_t = R - K F R
 * Starts at theta_0 = [0, 0], P_0 = 0 (Chan's initial values; his first step keeps R = 0, this
 * one already adds Vw, so its estimates lead his by one observation). `e` and `Q` are the forecast
 * error and its variance (Chan trades e / sqrt(Q)).
 */
export class KalmanHedge {
  beta = 0;
  alpha = 0;
  /** P as its three distinct entries (symmetric 2 x 2). */
  private p00 = 0;
  private p01 = 0;
  private p11 = 0;
  /** The last forecast error and its variance. */
  e = NaN;
  q = NaN;
  private readonly vw: number;

  constructor(
    delta: number,
    private readonly ve: number,
  ) {
    this.vw = delta / (1 - delta);
  }

  step(x: number, y: number): void {
    const r00 = this.p00 + this.vw;
    const r01 = this.p01;
    const r11 = this.p11 + this.vw;
    // R F' with F = [x, 1]
    const rf0 = r00 * x + r01;
    const rf1 = r01 * x + r11;
    const q = x * rf0 + rf1 + this.ve;
    const e = y - (this.beta * x + this.alpha);
    const k0 = rf0 / q;
    const k1 = rf1 / q;
    this.beta += k0 * e;
    this.alpha += k1 * e;
    // P = R - K (F R) = R - (R F')(R F')' / Q: symmetric by construction.
    this.p00 = r00 - k0 * rf0;
    this.p01 = r01 - k0 * rf1;
    this.p11 = r11 - k1 * rf1;
    this.e = e;
    this.q = q;
  }
}
