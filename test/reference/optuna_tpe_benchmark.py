"""Optuna's own samplers on the benchmark of runtime/tune/tpe.benchmark.test.ts, for comparison
(not a fixture: the figures are quoted in that test's comments).

Run with an Optuna source checkout (v5.0.0.dev, commit 1d8ce7bb) on the path:
  PYTHONPATH=/path/to/optuna python3 test/reference/optuna_tpe_benchmark.py [n_seeds, default 10]
Best value of 100 trials on Branin and Hartmann-6 (Surjanovic & Bingham's definitions), seeds
0 .. n_seeds-1: RandomSampler, TPESampler(multivariate=False) (hean's TPE) and
TPESampler(multivariate=True).
"""
import math, statistics, sys, time
import numpy as np
import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)


def branin(x1, x2):
    b = 5.1 / (4 * math.pi**2); c = 5 / math.pi; t = 1 / (8 * math.pi)
    return (x2 - b * x1**2 + c * x1 - 6) ** 2 + 10 * (1 - t) * math.cos(x1) + 10


A = np.array([[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]])
P = 1e-4 * np.array([[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
                     [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]])
ALPHA = np.array([1.0, 1.2, 3.0, 3.2])


def hartmann6(x):
    return float(-np.sum(ALPHA * np.exp(-np.sum(A * (np.asarray(x) - P) ** 2, axis=1))))


def best(fn, sampler):
    study = optuna.create_study(sampler=sampler)
    if fn == "branin":
        study.optimize(lambda t: branin(t.suggest_float("x1", -5, 10), t.suggest_float("x2", 0, 15)), n_trials=100)
    else:
        study.optimize(lambda t: hartmann6([t.suggest_float(f"x{i}", 0, 1) for i in range(6)]), n_trials=100)
    return study.best_value


seeds = range(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
samplers = {
    "random": lambda s: optuna.samplers.RandomSampler(seed=s),
    "tpe independent": lambda s: optuna.samplers.TPESampler(seed=s, multivariate=False),
    "tpe multivariate": lambda s: optuna.samplers.TPESampler(seed=s, multivariate=True),
}
for fn in ["branin", "hartmann6"]:
    for name, make in samplers.items():
        t = time.time()
        b = [best(fn, make(s)) for s in seeds]
        print(f"{fn} {name}: median {statistics.median(b):.4f} mean {statistics.mean(b):.4f} ({len(b)} seeds, {time.time() - t:.0f} s)", flush=True)
