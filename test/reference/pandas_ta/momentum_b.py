"""pandas-ta momentum indicators TA-Lib lacks, second part (see reference.py for how to run)."""
from reference import case, write_cases

HLC = {'high': 'high', 'low': 'low', 'close': 'close'}


def multi(kind, call, names, params=None, inputs=None, differs=None):
    """A case of a pandas-ta call returning a DataFrame: its columns, in order, are the hean outputs `names`."""
    return case(kind, f'{call}.set_axis({names!r}, axis=1)', params, inputs, {n: n for n in names}, differs)


CASES = [
    multi('indicator.tsi', 'ta.tsi(close)', ['tsi', 'signal']),
    multi('indicator.tsi', 'ta.tsi(close, fast=7, slow=20, signal=5, scalar=50, drift=2)', ['tsi', 'signal'],
          {'fast': 7, 'slow': 20, 'signal': 5, 'scalar': 50, 'drift': 2}),
    multi('indicator.tsi', 'ta.tsi(close, fast=30, slow=10, signal=9, mamode="sma")', ['tsi', 'signal'],
          {'fast': 30, 'slow': 10, 'signal': 9, 'maMode': 'sma'},
          differs={'skipRows': 37, 'why': 'hean starts both outputs at the first signal value (one warm-up per node); pandas-ta gives the tsi line 8 rows earlier'}),
    multi('indicator.kst', 'ta.kst(close)', ['kst', 'signal'],
          differs={'skipRows': 52, 'why': 'hean starts both outputs at the first signal value (one warm-up per node); pandas-ta gives the kst line 8 rows earlier'}),
    multi('indicator.kst', 'ta.kst(close, roc1=5, roc2=8, roc3=12, roc4=16, sma1=4, sma2=6, sma3=20, sma4=3, signal=1)', ['kst', 'signal'],
          {'roc1': 5, 'roc2': 8, 'roc3': 12, 'roc4': 16, 'sma1': 4, 'sma2': 6, 'sma3': 20, 'sma4': 3, 'signal': 1}),
    multi('indicator.pvo', 'ta.pvo(volume)', ['pvo', 'histogram', 'signal'], inputs={'volume': 'volume'}),
    multi('indicator.pvo', 'ta.pvo(volume, fast=20, slow=5, signal=30, scalar=1)', ['pvo', 'histogram', 'signal'],
          {'fast': 20, 'slow': 5, 'signal': 30, 'scalar': 1}, {'volume': 'volume'},
          differs={'skipRows': 29, 'why': 'hean starts all outputs at the first signal value (one warm-up per node); pandas-ta gives the pvo line 10 rows earlier'}),
    case('indicator.pgo', 'ta.pgo(high, low, close)', inputs=HLC),
    case('indicator.pgo', 'ta.pgo(high, low, close, length=5)', {'length': 5}, HLC),
    case('indicator.psl', 'ta.psl(close)', inputs={'close': 'close'}),
    case('indicator.psl', 'ta.psl(close, length=20, scalar=1, drift=3)', {'length': 20, 'scalar': 1, 'drift': 3}, {'close': 'close'}),
    case('indicator.psl', 'ta.psl(close, open_=open_, length=7)', {'length': 7}, {'close': 'close', 'open': 'open'}),
    case('indicator.slope', 'ta.slope(close)'),
    case('indicator.slope', 'ta.slope(close, length=5, as_angle=True)', {'length': 5, 'asAngle': True}),
    case('indicator.slope', 'ta.slope(close, length=3, as_angle=True, to_degrees=True)', {'length': 3, 'asAngle': True, 'toDegrees': True}),
    multi('indicator.smi', 'ta.smi(close)', ['smi', 'signal', 'oscillator']),
    multi('indicator.smi', 'ta.smi(close, fast=25, slow=10, signal=30, scalar=100)', ['smi', 'signal', 'oscillator'],
          {'fast': 25, 'slow': 10, 'signal': 30, 'scalar': 100},
          differs={'skipRows': 29, 'why': 'hean starts all outputs at the first signal value (one warm-up per node); pandas-ta gives the smi line 5 rows earlier'}),
]

if __name__ == '__main__':
    write_cases(__file__, CASES)
