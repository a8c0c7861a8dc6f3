"""Reference for hean's TPE sampler (runtime/tune/): SciPy's truncated normal and Optuna's own
Parzen estimator, evaluated on small hand-chosen cases.

Run from the repository, with an Optuna source checkout (v5.0.0.dev, commit 1d8ce7bb) on the path:
  PYTHONPATH=/path/to/optuna python3 test/reference/optuna_tpe.py > test/reference/optuna_tpe.json
(Debian 12's python3-scipy 1.10 / numpy 1.24; Optuna's own imports also need colorlog, tqdm,
sqlalchemy, alembic and PyYAML.)

- erfc, logNdtr: scipy.special.erfc and scipy.special.log_ndtr.
- truncnormLogPdf, truncnormPpf: scipy.stats.truncnorm.logpdf(x, a, b, loc, scale) and .ppf(q, a, b).
- parzen: optuna.samplers._tpe.parzen_estimator._ParzenEstimator with Optuna's defaults
  (prior_weight 1, consider_magic_clip True, consider_endpoints False, default_weights), one
  parameter; its mixture weights, kernel means and widths (working space) and log_pdf at xs.
  Categorical observations and xs are choice indices.
"""
import json
import numpy as np
import scipy
from scipy.special import erfc, log_ndtr
from scipy.stats import truncnorm
import optuna
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from optuna.samplers._tpe.parzen_estimator import _ParzenEstimator, _ParzenEstimatorParameters
from optuna.samplers._tpe.sampler import default_weights

out = {"scipy": scipy.__version__, "optuna": optuna.__version__}

xs = [-30, -10, -5, -2.5, -1, -0.5, -0.1, 0, 1e-3, 0.3, 0.9, 1.1, 2, 3, 5, 8, 27]
out["erfc"] = [[x, float(erfc(x))] for x in xs]
ls = [-40, -25, -19.9, -8, -3, -1, 0, 0.5, 2, 5, 6.5, 10]
out["logNdtr"] = [[x, float(log_ndtr(x))] for x in ls]

cases = [(-1, 1, 0, 1, 0.3), (-0.5, 3, 2, 0.5, 2.7), (-12, 0.5, 0, 1, -11.5), (0.2, 6, 0, 1, 1.0),
         (-200, -3, 1, 2, -6.0), (-2, 2, 10, 0.01, 10.015), (-0.3, 40, 0, 1, 30)]
out["truncnormLogPdf"] = [dict(a=a, b=b, loc=loc, scale=sc, x=x, logpdf=float(truncnorm.logpdf(x, a, b, loc=loc, scale=sc)))
                          for a, b, loc, sc, x in cases]
pp = [(0.1, -1, 1), (0.5, -1, 1), (0.999, -0.5, 3), (0.25, -12, 0.5), (0.7, 0.2, 6), (0.01, 2, 9),
      (0.3, -30, -8), (0.9, -0.01, 0.01), (1e-9, -3, 3), (0.999999, -3, 3)]
out["truncnormPpf"] = [dict(q=q, a=a, b=b, ppf=float(truncnorm.ppf(q, a, b))) for q, a, b in pp]

params = _ParzenEstimatorParameters(prior_weight=1.0, consider_magic_clip=True, consider_endpoints=False,
                                    weights=default_weights, multivariate=False)
pcases = [
    ("float", {"type": "float", "low": -5, "high": 10}, FloatDistribution(-5, 10), [0.5, 3.0, -2.0, 9.5, 3.0], [-5, -1.3, 0.5, 3, 7.7, 10]),
    ("float, no observations", {"type": "float", "low": -5, "high": 10}, FloatDistribution(-5, 10), [], [-5, 0, 2.5, 10]),
    ("float, one observation", {"type": "float", "low": 0, "high": 1}, FloatDistribution(0, 1), [0.9], [0, 0.5, 0.9, 1]),
    ("float log", {"type": "float", "low": 1e-4, "high": 1, "log": True}, FloatDistribution(1e-4, 1, log=True), [1e-3, 0.05, 0.2], [1e-4, 5e-4, 0.01, 0.2, 1]),
    ("float step", {"type": "float", "low": 0, "high": 2, "step": 0.25}, FloatDistribution(0, 2, step=0.25), [0.5, 1.75], [0, 0.5, 1.0, 2]),
    ("int", {"type": "int", "low": 1, "high": 20}, IntDistribution(1, 20), [3, 3, 7, 18], [1, 3, 4, 20]),
    ("int step", {"type": "int", "low": 0, "high": 100, "step": 5}, IntDistribution(0, 100, step=5), [10, 55], [0, 10, 50, 100]),
    ("int log", {"type": "int", "low": 1, "high": 1000, "log": True}, IntDistribution(1, 1000, log=True), [2, 50, 999], [1, 2, 10, 1000]),
    ("categorical", {"type": "categorical", "choices": ["a", "b", "c", "d"]}, CategoricalDistribution(["a", "b", "c", "d"]), [0, 2, 2], [0, 1, 2, 3]),
    ("float, 40 observations (weights ramp)", {"type": "float", "low": 0, "high": 10}, FloatDistribution(0, 10), [((i * 7) % 40) / 4 for i in range(40)], [0, 1.1, 4.2, 9.99]),
]
out["parzen"] = []
for name, spec, dist, obs, xs in pcases:
    pe = _ParzenEstimator({"x": np.asarray(obs, dtype=float)}, {"x": dist}, params)
    mix = pe._mixture_distribution
    rec = dict(name=name, spec=spec, observations=obs, xs=xs,
               logPdf=[float(v) for v in pe.log_pdf({"x": np.asarray(xs, dtype=float)})],
               weights=[float(w) for w in mix.weights])
    d = mix.distributions[0]
    if hasattr(d, "mu"):
        rec["mus"] = [float(v) for v in d.mu]
        rec["sigmas"] = [float(v) for v in d.sigma]
    else:
        rec["choiceProbs"] = [[float(v) for v in row] for row in d.weights]
    out["parzen"].append(rec)

print(json.dumps(out))
