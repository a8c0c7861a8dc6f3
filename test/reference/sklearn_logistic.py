"""Reference for hean's logistic trainer (runtime/learn/logisticModel.ts): scikit-learn's
multinomial LogisticRegression on standardised features from the real hourly BTC candles.

Run from the repository: /usr/bin/python3 test/reference/sklearn_logistic.py ../shared/data > test/reference/sklearn_logistic.json
(Debian 12: apt-get install python3-sklearn, scikit-learn 1.2.)

Features for bar i (close c, high h, low l): r1 = 100 ln(c_i / c_{i-1}), r2 = the same one bar
earlier, r3 two bars earlier, hl = 100 (h_i - l_i) / c_i. Label: the next bar's return
100 ln(c_{i+1} / c_i): UP above 0.1, DOWN below -0.1, else NEUTRAL. Rows i = 3 .. n-2.
"""
import csv, gzip, hashlib, json, math, sys
import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

path = f"{sys.argv[1]}/btcusdt_1h_binance_2024-09_2026-02.csv.gz"
raw = open(path, "rb").read()
rows = list(csv.DictReader(gzip.decompress(raw).decode().splitlines()))
c = [float(r["close"]) for r in rows]
h = [float(r["high"]) for r in rows]
l = [float(r["low"]) for r in rows]
r = [math.nan] + [100 * math.log(c[i] / c[i - 1]) for i in range(1, len(c))]
X, y = [], []
for i in range(3, len(c) - 1):
    X.append([r[i], r[i - 1], r[i - 2], 100 * (h[i] - l[i]) / c[i]])
    nxt = r[i + 1]
    y.append("UP" if nxt > 0.1 else "DOWN" if nxt < -0.1 else "NEUTRAL")
X = np.array(X)
scaler = StandardScaler().fit(X)
C = 0.05
model = LogisticRegression(C=C, multi_class="multinomial", solver="lbfgs", tol=1e-12, max_iter=100000).fit(scaler.transform(X), y)
json.dump(
    {
        "made_by": "test/reference/sklearn_logistic.py",
        "sklearn": sklearn.__version__,
        "data": "btcusdt_1h_binance_2024-09_2026-02.csv.gz",
        "sha256": hashlib.sha256(raw).hexdigest(),
        "rows": len(y),
        "features": ["r1", "r2", "r3", "hl"],
        "classes": list(model.classes_),
        "C": C,
        "mean": scaler.mean_.tolist(),
        "scale": scaler.scale_.tolist(),
        "coef": model.coef_.tolist(),
        "intercept": model.intercept_.tolist(),
        "first_probabilities": model.predict_proba(scaler.transform(X[:5])).tolist(),
        "n_iter": int(model.n_iter_[0]),
    },
    sys.stdout,
    indent=1,
)
