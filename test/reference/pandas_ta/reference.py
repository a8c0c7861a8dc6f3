"""
Reference values from pandas-ta for hean's conformance tests (test/pandasTaConformance.test.ts).

Each family script next to this one (overlap.py, momentum.py, ...) lists its cases and calls
write_cases(); it writes <family>.json.gz beside itself. Run it with Debian's Python and pandas
(apt-get install python3-pandas python3-scipy) and pandas-ta's sources from its repository
(github twopirllc/pandas-ta, the 0.3.14b0 tree; TA-Lib's Python binding must NOT be importable,
so pandas-ta computes with its own code):

    PANDAS_TA_DIR=/path/to/pandas-ta HEAN_DATA_DIR=../shared/data /usr/bin/python3 test/reference/pandas_ta/trend.py

A case: the hean kind and params, which data column feeds each input port, the pandas-ta call
that computes the same thing (a Python expression over ta, df, open_, high, low, close, volume)
and which result column is each hean output. Values are written to 12 significant digits (the
tests compare at 1e-9 relative); null where pandas-ta gives NaN. A case may carry `differs`:
a documented reason why hean's warm-up or values depart from pandas-ta's (a bug in pandas-ta,
a causal form of a non-causal indicator), with the rows the comparison skips.
"""
import gzip
import json
import math
import os
import subprocess
import sys
import tempfile

DATA = 'btcusdt_1h_binance_2017-08_2024-04.csv.gz'
ROWS = 400
PRICE_INPUTS = {'open': 'open', 'high': 'high', 'low': 'low', 'close': 'close', 'volume': 'volume'}


def _load():
    pta = os.environ.get('PANDAS_TA_DIR')
    if not pta:
        sys.exit('set PANDAS_TA_DIR to a checkout of github.com/twopirllc/pandas-ta (0.3.14b0)')
    sys.path.insert(0, pta)
    # pandas-ta's __init__ asks pkg_resources for its installed distribution: declare one.
    meta = os.path.join(tempfile.mkdtemp(), 'pandas_ta-0.3.14b0.dist-info')
    os.makedirs(meta)
    with open(os.path.join(meta, 'METADATA'), 'w') as f:
        f.write('Metadata-Version: 2.1\nName: pandas_ta\nVersion: 0.3.14b0\n')
    sys.path.insert(0, os.path.dirname(meta))
    import numpy as np
    import pandas as pd
    import pandas_ta as ta
    if ta.Imports.get('talib'):
        sys.exit('TA-Lib\'s Python binding is importable: pandas-ta would call it instead of its own code')
    df = pd.read_csv(os.path.join(os.environ.get('HEAN_DATA_DIR', '../shared/data'), DATA), nrows=ROWS)
    df.index = pd.DatetimeIndex(pd.to_datetime(df['time'], unit='ms'), name='datetime')
    commit = subprocess.run(['git', '-C', pta, 'rev-parse', '--short', 'HEAD'], capture_output=True, text=True).stdout.strip()
    version = f'pandas-ta {ta.version}{" @ " + commit if commit else ""}, pandas {pd.__version__}, numpy {np.__version__} (pandas-ta\'s own code, no TA-Lib)'
    return np, pd, ta, df, version


def case(kind, call, params=None, inputs=None, outputs=None, differs=None):
    """One comparison. inputs: hean port -> data column (default series <- close). outputs: hean
    output -> result column (default: the Series result is `value`)."""
    return {'kind': kind, 'params': params or {}, 'inputs': inputs or {'series': 'close'}, 'call': call,
            'outputs': outputs or {'value': None}, 'differs': differs}


def _number(v):
    v = float(v)
    if math.isnan(v):
        return None
    if math.isinf(v):
        return 'Infinity' if v > 0 else '-Infinity'
    return float(f'{v:.12g}')


def write_cases(script, cases):
    np, pd, ta, df, version = _load()
    scope = {'ta': ta, 'pd': pd, 'np': np, 'df': df, 'open_': df['open'], 'high': df['high'], 'low': df['low'],
             'close': df['close'], 'volume': df['volume']}
    out = []
    for c in cases:
        result = eval(c['call'], scope)
        columns = {}
        for name, col in c['outputs'].items():
            series = result if col is None else result[col]
            if len(series) != ROWS:
                sys.exit(f'{c["kind"]}: {c["call"]} gave {len(series)} rows, not {ROWS}')
            columns[name] = [_number(v) for v in series.to_numpy(dtype=float)]
        entry = {k: v for k, v in c.items() if v is not None and k != 'outputs'}
        entry['columns'] = {name: col for name, col in c['outputs'].items()}
        entry['outputs'] = columns
        out.append(entry)
    family = os.path.splitext(os.path.basename(script))[0]
    path = os.path.join(os.path.dirname(os.path.abspath(script)), family + '.json.gz')
    doc = {'generator': f'test/reference/pandas_ta/{family}.py', 'reference': version, 'data': DATA, 'rows': ROWS,
           'cases': out}
    with gzip.GzipFile(path, 'wb', mtime=0) as f:
        f.write(json.dumps(doc, separators=(',', ':')).encode())
    print(f'wrote {path}: {len(out)} cases, {os.path.getsize(path)} bytes')
