"""Reference for `hean model import xgboost` (runtime/learn/xgboostImport.ts): an XGBoost model
trained on real features, saved in XGBoost's JSON format, with XGBoost's own predictions.

Run from the repository (Debian 12: apt-get install python3-xgboost, XGBoost 1.7):
  /usr/bin/python3 test/reference/xgboost_model.py ../shared/data test/reference

Features and labels as test/reference/sklearn_logistic.py (the real hourly BTC candles,
2024-09..2026-02): r1, r2, r3 (log-returns in percent) and hl (range in percent); the label is
the next bar's direction with a 0.1 % band. Two models: multi:softprob over DOWN/NEUTRAL/UP, and
reg:squarederror on the next return. Predictions of the first 100 rows are saved for each.
"""
import csv, gzip, hashlib, json, math, sys
import numpy as np
import xgboost as xgb

data_dir, out_dir = sys.argv[1], sys.argv[2]
path = f"{data_dir}/btcusdt_1h_binance_2024-09_2026-02.csv.gz"
raw = open(path, "rb").read()
rows = list(csv.DictReader(gzip.decompress(raw).decode().splitlines()))
c = [float(r["close"]) for r in rows]
h = [float(r["high"]) for r in rows]
l = [float(r["low"]) for r in rows]
r = [math.nan] + [100 * math.log(c[i] / c[i - 1]) for i in range(1, len(c))]
X, y, nxt = [], [], []
for i in range(3, len(c) - 1):
    X.append([r[i], r[i - 1], r[i - 2], 100 * (h[i] - l[i]) / c[i]])
    n = r[i + 1]
    nxt.append(n)
    y.append(2 if n > 0.1 else 0 if n < -0.1 else 1)
X = np.array(X, dtype=np.float32)
names = ["r1", "r2", "r3", "hl"]
params = {"max_depth": 3, "eta": 0.3, "lambda": 1.0, "tree_method": "exact", "seed": 0}
classifier = xgb.train({**params, "objective": "multi:softprob", "num_class": 3}, xgb.DMatrix(X, label=y, feature_names=names), num_boost_round=20)
regressor = xgb.train({**params, "objective": "reg:squarederror"}, xgb.DMatrix(X, label=np.array(nxt), feature_names=names), num_boost_round=20)
classifier.save_model(f"{out_dir}/xgboost_classifier.json")
regressor.save_model(f"{out_dir}/xgboost_regressor.json")
sample = xgb.DMatrix(X[:100], feature_names=names)
json.dump(
    {
        "made_by": "test/reference/xgboost_model.py",
        "xgboost": xgb.__version__,
        "data": "btcusdt_1h_binance_2024-09_2026-02.csv.gz",
        "sha256": hashlib.sha256(raw).hexdigest(),
        "features": names,
        "classes": ["DOWN", "NEUTRAL", "UP"],
        "inputs": X[:100].tolist(),
        "classifier_probabilities": classifier.predict(sample).tolist(),
        "regressor_predictions": regressor.predict(sample).tolist(),
    },
    open(f"{out_dir}/xgboost_predictions.json", "w"),
)
