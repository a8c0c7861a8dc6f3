"""Reference for `hean model import xgboost` (runtime/learn/xgboostImport.ts): an XGBoost model
trained on real features, saved in XGBoost's JSON format, with XGBoost's own predictions.

Run from the repository (Debian 12: apt-get install python3-xgboost, XGBoost 1.7):
  /usr/bin/python3 test/reference/xgboost_model.py ../shared/data test/reference

Features and labels as test/reference/sklearn_logistic.py (the real hourly BTC candles,
2024-09..2026-02): r1, r2, r3 (log-returns in percent) and hl (range in percent); the label is
the next bar's direction with a 0.1 % band. Two models: multi:softprob over DOWN/NEUTRAL/UP, and
reg:squarederror on the next return. Predictions of the first 100 rows are saved for each.

xgboost_hist.json, for runtime/learn/gradientBoosting.test.ts: the classifier's importance
(get_score total_gain and weight), and two more classifiers on the same rows with tree_method hist,
one grown depthwise, one lossguide (best first), 10 rounds each: their trees (structure,
thresholds, leaf values, gains), importance and the probabilities of the first 100 rows.
max_bin 16384 is above every feature's count of distinct values (12,552 rows), so XGBoost's
quantile sketch keeps them all and the cuts are the distinct values themselves: hean's binning
(binFeature) gives the same bins, hence the same candidate splits.
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

def trees_of(booster):
    model = json.loads(booster.save_raw("json"))["learner"]["gradient_booster"]["model"]
    # right_children is always left + 1 and default_left is moot (no missing values): left out.
    keys = ["left_children", "split_indices", "split_conditions", "loss_changes"]
    return {"tree_info": model["tree_info"], "trees": [{k: t[k] for k in keys} for t in model["trees"]]}


def importance(booster):
    return {kind: booster.get_score(importance_type=kind) for kind in ["total_gain", "weight"]}


hist_models = {}
for name, extra in [("depthwise", {"grow_policy": "depthwise", "max_depth": 3}), ("lossguide", {"grow_policy": "lossguide", "max_depth": 0, "max_leaves": 6})]:
    hist_params = {"eta": 0.3, "lambda": 1.0, "tree_method": "hist", "max_bin": 16384, "seed": 0, "objective": "multi:softprob", "num_class": 3, **extra}
    booster = xgb.train(hist_params, xgb.DMatrix(X, label=y, feature_names=names), num_boost_round=10)
    hist_models[name] = {"params": hist_params, "rounds": 10, **trees_of(booster), "importance": importance(booster), "probabilities": booster.predict(sample).tolist()}
json.dump(
    {
        "made_by": "test/reference/xgboost_model.py",
        "xgboost": xgb.__version__,
        "data": "btcusdt_1h_binance_2024-09_2026-02.csv.gz",
        "exact_classifier_importance": importance(classifier),
        "hist": hist_models,
    },
    open(f"{out_dir}/xgboost_hist.json", "w"),
)
