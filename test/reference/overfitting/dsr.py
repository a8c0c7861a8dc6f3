"""Reference figures for the deflated Sharpe ratio (runtime/tune/overfitting.ts), from scipy.

1. The numerical example of Bailey and López de Prado (2014), "The Deflated Sharpe Ratio:
   Correcting for Selection Bias, Backtest Overfitting and Non-Normality", Journal of Portfolio
   Management 40 (5): N = 100 trials, V[SR_n] = 1/2 (annualised), best annualised SR 2.5 over
   T = 1250 daily returns (5 years of 250 days), skewness -3, kurtosis 10. The paper reports
   SR0 = 0.1132 (per day) and DSR = 0.9004; here the same formulas at full precision with
   scipy.stats.norm.
2. Standard normal CDF and quantiles at a few points (scipy.stats.norm).
3. The DSR of a seeded return series (mulberry32, see mulberry32.py): 500 rows, for each row
   u1 then u2 drawn, r = (u1 - 0.5) * 0.02 + 0.0015 - (0.03 if u2 < 0.02 else 0) (small gains,
   rare crashes: negative skew, fat tails); trials = that series' Sharpe and the Sharpes of the 30
   columns of matrix(12, 500, [0] * 30). Sharpe = mean / std(ddof=1); skew and kurtosis from
   scipy.stats (biased, kurtosis non-excess); V = var(trial Sharpes, ddof=1).

Run: python3 dsr.py  (writes dsr.json beside this file)
"""
import json
import os

import numpy as np
import scipy
from scipy.stats import kurtosis, norm, skew

from mulberry32 import matrix, mulberry32

GAMMA = 0.5772156649015329


def sr0(n, v):
    return np.sqrt(v) * ((1 - GAMMA) * norm.ppf(1 - 1 / n) + GAMMA * norm.ppf(1 - 1 / (n * np.e)))


def psr(sr, bench, t, sk, ku):
    return norm.cdf((sr - bench) * np.sqrt(t - 1) / np.sqrt(1 - sk * sr + (ku - 1) / 4 * sr**2))


def sharpe(x):
    return float(np.mean(x) / np.std(x, ddof=1))


if __name__ == "__main__":
    sr = 2.5 / np.sqrt(250)
    b = sr0(100, 0.5 / 250)
    paper = {"sharpe": sr, "expectedMaxSharpe": b, "annualisedExpectedMaxSharpe": b * np.sqrt(250), "dsr": psr(sr, b, 1250, -3, 10), "psr": psr(sr, 0, 1250, -3, 10)}

    points = [-37.0, -20.0, -8.0, -3.0, -1.0, -0.3, 0.0, 0.3, 1.0, 1.96, 3.0, 8.0]
    probs = [1e-300, 1e-100, 1e-10, 0.001, 0.02425, 0.075, 0.3, 0.5, 0.7, 0.925, 0.975, 0.999, 1 - 1e-10]

    u = mulberry32(11)
    r = []
    for _ in range(500):
        u1, u2 = u(), u()
        r.append((u1 - 0.5) * 0.02 + 0.0015 - (0.03 if u2 < 0.02 else 0.0))
    r = np.array(r)
    trials = [sharpe(r)] + [sharpe(c) for c in np.array(matrix(12, 500, [0.0] * 30)).T]
    v = float(np.var(trials, ddof=1))
    sk, ku = float(skew(r)), float(kurtosis(r, fisher=False))
    b2 = sr0(len(trials), v)
    seeded = {"sharpe": trials[0], "skew": sk, "kurtosis": ku, "observations": 500, "trials": len(trials), "trialVariance": v,
              "expectedMaxSharpe": b2, "psr": psr(trials[0], 0, 500, sk, ku), "dsr": psr(trials[0], b2, 500, sk, ku)}

    out = {
        "generator": "test/reference/overfitting/dsr.py (scipy " + scipy.__version__ + ")",
        "paper": {k: float(x) for k, x in paper.items()},
        "cdf": [[x, float(norm.cdf(x))] for x in points],
        "quantile": [[p, float(norm.ppf(p))] for p in probs],
        "seeded": {k: float(x) for k, x in seeded.items()},
    }
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "dsr.json"), "w") as f:
        json.dump(out, f, indent=1)
