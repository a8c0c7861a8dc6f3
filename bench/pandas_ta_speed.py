"""
Times pandas-ta's own code (pandas/numpy, no TA-Lib) on the bars of bench/indicators.ts, for its
comparison column. Called by the bench when PANDAS_TA_DIR points at a pandas-ta 0.3.14b0 checkout
and /usr/bin/python3 has pandas (Debian's python3-pandas):

    /usr/bin/python3 bench/pandas_ta_speed.py BARS.csv CASES.json  ->  {"kind": best_ms, ...} on stdout

CASES.json: [{"kind": ..., "call": ...}], the calls of test/reference/pandas_ta (expressions over
ta, df, open_, high, low, close, volume). Each call runs twice; the faster run counts.
"""
import json
import os
import sys
import tempfile
import time

pta = os.environ['PANDAS_TA_DIR']
sys.path.insert(0, pta)
meta = os.path.join(tempfile.mkdtemp(), 'pandas_ta-0.3.14b0.dist-info')
os.makedirs(meta)
with open(os.path.join(meta, 'METADATA'), 'w') as f:
    f.write('Metadata-Version: 2.1\nName: pandas_ta\nVersion: 0.3.14b0\n')
sys.path.insert(0, os.path.dirname(meta))
# Some reference calls use helpers of their family script (momentum_b.stc_fixed).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'reference', 'pandas_ta'))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pandas_ta as ta  # noqa: E402

df = pd.read_csv(sys.argv[1])
df.index = pd.DatetimeIndex(pd.to_datetime(df['time'], unit='ms'), name='datetime')
scope = {'ta': ta, 'pd': pd, 'np': np, 'df': df, 'open_': df['open'], 'high': df['high'], 'low': df['low'],
         'close': df['close'], 'volume': df['volume']}
out = {}
for c in json.load(open(sys.argv[2])):
    best = float('inf')
    try:
        for _ in range(2):
            start = time.perf_counter()
            eval(c['call'], scope)
            best = min(best, (time.perf_counter() - start) * 1000)
    except Exception as e:  # a call that fails on these bars is left out of the comparison, and said
        print(f"{c['kind']} failed: {e}", file=sys.stderr)
        continue
    out[c['kind']] = best
    print(f"{c['kind']} {best:.0f} ms", file=sys.stderr)
print(json.dumps(out))
