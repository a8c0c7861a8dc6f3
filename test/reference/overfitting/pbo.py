"""Reference figures for the CSCV probability of backtest overfitting (runtime/tune/overfitting.ts).

An independent, deliberately naive implementation of Bailey, Borwein, López de Prado and Zhu
(2017), "The Probability of Backtest Overfitting", Journal of Computational Finance 20 (4),
section 2: for every choice of S/2 of the S row partitions as in-sample, concatenate the rows,
compute each column's Sharpe with numpy (mean / std(ddof=1)), take the in-sample argmax, rank it
among the out-of-sample values with scipy.stats.rankdata (average ranks), omega = rank / (N + 1),
lambda = ln(omega / (1 - omega)), PBO = mean(lambda <= 0). Partition k holds rows
floor(k T / S) .. floor((k + 1) T / S) - 1.

Run: python3 pbo.py  (writes pbo.json beside this file; numpy and scipy required)
"""
import itertools
import json
import math
import os

import numpy as np
from scipy.stats import linregress, rankdata

from mulberry32 import matrix


def cscv(m, S, measure):
    T, N = m.shape
    bounds = [(k * T // S, (k + 1) * T // S) for k in range(S)]
    parts = [m[a:b] for a, b in bounds]
    perf = (lambda x: x.mean(axis=0) / x.std(axis=0, ddof=1)) if measure == "sharpe" else (lambda x: x.mean(axis=0))
    logits, selected, ins, oos = [], [], [], []
    for combo in itertools.combinations(range(S), S // 2):
        rest = [k for k in range(S) if k not in combo]
        is_perf = perf(np.concatenate([parts[k] for k in combo]))
        oos_perf = perf(np.concatenate([parts[k] for k in rest]))
        best = int(np.argmax(is_perf))
        omega = rankdata(oos_perf)[best] / (N + 1)
        logits.append(math.log(omega / (1 - omega)))
        selected.append(best)
        ins.append(float(is_perf[best]))
        oos.append(float(oos_perf[best]))
    lam = np.array(logits)
    fit = linregress(ins, oos)
    return {
        "pbo": float(np.mean(lam <= 0)),
        "splits": len(logits),
        "logits": logits,
        "selected": selected,
        "inSample": ins,
        "outOfSample": oos,
        "summary": {
            "mean": float(lam.mean()),
            "sd": float(lam.std(ddof=1)),
            "min": float(lam.min()),
            "q05": float(np.quantile(lam, 0.05)),
            "q25": float(np.quantile(lam, 0.25)),
            "median": float(np.quantile(lam, 0.5)),
            "q75": float(np.quantile(lam, 0.75)),
            "q95": float(np.quantile(lam, 0.95)),
            "max": float(lam.max()),
        },
        "degradation": {"slope": float(fit.slope), "intercept": float(fit.intercept), "r2": float(fit.rvalue**2)},
        "probabilityOfLoss": float(np.mean(np.array(oos) < 0)),
    }


CASES = [
    # Pure noise: 16 columns, 240 rows, 10 partitions (252 splits).
    {"name": "noise", "seed": 20260311, "rows": 240, "drifts": [0.0] * 16, "partitions": 10, "measure": "sharpe"},
    # Some columns with a small edge; 243 rows do not divide into 8 partitions (sizes 30 and 31).
    {"name": "drift", "seed": 7, "rows": 243, "drifts": [0.0004 * (j % 4) / 3 for j in range(9)], "partitions": 8, "measure": "sharpe"},
    {"name": "drift-mean", "seed": 7, "rows": 243, "drifts": [0.0004 * (j % 4) / 3 for j in range(9)], "partitions": 8, "measure": "mean"},
]

if __name__ == "__main__":
    out = []
    for case in CASES:
        m = np.array(matrix(case["seed"], case["rows"], case["drifts"]))
        out.append({**case, "scale": 0.02, "result": cscv(m, case["partitions"], case["measure"])})
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "pbo.json"), "w") as f:
        json.dump({"generator": "test/reference/overfitting/pbo.py (numpy " + np.__version__ + ")", "cases": out}, f)
