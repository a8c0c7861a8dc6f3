"""statsmodels reference statistics for hean's statistical-arbitrage library (nodes/statarb/stats).

Run:  HEAN_DATA_DIR=/work/shared/data /usr/bin/python3 test/reference/statsmodels/generate.py
Needs statsmodels (written with 0.13.5), numpy, pandas. Writes statarb.json.gz beside this script:
statistics only (no prices): each window is given by its row indices into the BTC/ETH hourly
closes inner-joined on `time` (sorted), and by its first/last times, so the test re-reads the
same rows from the data files in HEAN_DATA_DIR.
"""
import gzip
import json
import math
import os
import warnings

import numpy as np
import pandas as pd
import statsmodels
import statsmodels.api as sm
from statsmodels.tsa.adfvalues import mackinnoncrit, mackinnonp
from statsmodels.tsa.stattools import adfuller, coint

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.environ.get("HEAN_DATA_DIR", os.path.join(HERE, "..", "..", "..", "..", "shared", "data"))
BTC = "btcusdt_1h_binance_2024-09_2026-02.csv.gz"
ETH = "ethusdt_1h_binance_2024-09_2026-02.csv.gz"
# [start, end) row indices into the joined table; 720 = statarb.pair's default window.
WINDOWS = [(0, 500), (3000, 3720), (8000, 8300), (11000, 12000)]


def num(v):
    v = float(v)
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    return v


def ols(y, x, intercept):
    X = sm.add_constant(x, has_constant="add") if intercept else x[:, None]
    r = sm.OLS(y, X).fit()
    res = {
        "beta": num(r.params[-1]),
        "seBeta": num(r.bse[-1]),
        "ssr": num(r.ssr),
        "scale": num(r.scale),
        "residStd": num(math.sqrt(r.scale)),
        "rsquared": num(r.rsquared),
        "dfResid": num(r.df_resid),
        "resid": {str(i): num(r.resid[i]) for i in (0, len(y) // 2, len(y) - 1)},
    }
    if intercept:
        res["alpha"] = num(r.params[0])
        res["seAlpha"] = num(r.bse[0])
    return res, r.resid


def adf(x, regression, maxlag=None, autolag="AIC"):
    out = adfuller(x, maxlag=maxlag, regression=regression, autolag=autolag)
    res = {"stat": num(out[0]), "pvalue": num(out[1]), "usedlag": int(out[2]), "nobs": int(out[3]),
           "crit": [num(out[4]["1%"]), num(out[4]["5%"]), num(out[4]["10%"])]}
    if autolag is not None:
        res["icbest"] = num(out[5])
    return res


def half_life(s):
    ds = np.diff(s)
    X = sm.add_constant(s[:-1], has_constant="add")
    r = sm.OLS(ds, X).fit()
    slope = r.params[1]
    hl = -math.log(2) / slope if slope < 0 else math.inf
    return {"slope": num(slope), "intercept": num(r.params[0]), "halfLife": num(hl)}


def main():
    btc = pd.read_csv(os.path.join(DATA, BTC))[["time", "close"]]
    eth = pd.read_csv(os.path.join(DATA, ETH))[["time", "close"]]
    joined = eth.merge(btc, on="time", suffixes=("_eth", "_btc")).sort_values("time").reset_index(drop=True)
    windows = []
    for start, end in WINDOWS:
        rows = joined.iloc[start:end]
        w = {"start": start, "end": end, "startTime": int(rows.time.iloc[0]), "endTime": int(rows.time.iloc[-1])}
        for name, tf in (("log", np.log), ("raw", lambda a: a)):
            y = tf(rows.close_eth.to_numpy(dtype=float))
            x = tf(rows.close_btc.to_numpy(dtype=float))
            c, resid = ols(y, x, True)
            n, _ = ols(y, x, False)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                cs, cp, cc = coint(y, x, trend="c", method="aeg", maxlag=None, autolag="aic")
            w[name] = {
                "olsC": c,
                "olsN": n,
                # the spread = residuals of y on [1, x]; x = BTC (log) price, close to a random walk
                "adfSpread": {r: adf(resid, r) for r in ("c", "n", "ct")},
                "adfX": {r: adf(x, r) for r in ("c", "n", "ct")},
                "adfSpreadFixedLag": adf(resid, "c", maxlag=5, autolag=None),
                "coint": {"stat": num(cs), "pvalue": num(cp), "crit": [num(v) for v in cc]},
                "halfLife": half_life(resid),
            }
        windows.append(w)

    stats = [round(-20 + 0.25 * i, 2) for i in range(int(23 / 0.25) + 1)]
    mp = []
    for reg in ("n", "c", "ct", "ctt"):
        for N in range(1, 7):
            mp.append({"regression": reg, "N": N, "p": [num(mackinnonp(s, regression=reg, N=N)) for s in stats]})
    mc = []
    for reg in ("n", "c", "ct", "ctt"):
        for N in range(1, 2 if reg == "n" else 13):
            for nobs in (None, 50, 300, 719):
                v = mackinnoncrit(N=N, regression=reg, nobs=np.inf if nobs is None else nobs)
                mc.append({"regression": reg, "N": N, "nobs": "Infinity" if nobs is None else nobs, "crit": [num(a) for a in v]})

    doc = {
        "generator": "test/reference/statsmodels/generate.py",
        "statsmodels": statsmodels.__version__,
        "numpy": np.__version__,
        "files": {"y": ETH, "x": BTC, "join": "inner on time, sorted; y = ETH close, x = BTC close"},
        "windows": windows,
        "mackinnonp": {"stats": stats, "grid": mp},
        "mackinnoncrit": mc,
    }
    with gzip.open(os.path.join(HERE, "statarb.json.gz"), "wt", encoding="utf8") as f:
        json.dump(doc, f, separators=(",", ":"))


if __name__ == "__main__":
    main()
