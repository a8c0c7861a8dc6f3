"""pandas-ta momentum indicators TA-Lib lacks, second part (see reference.py for how to run)."""
from reference import case, write_cases

HLC = {'high': 'high', 'low': 'low', 'close': 'close'}


def multi(kind, call, names, params=None, inputs=None, differs=None):
    """A case of a pandas-ta call returning a DataFrame: its columns, in order, are the hean outputs `names`."""
    return case(kind, f'{call}.set_axis({names!r}, axis=1)', params, inputs, {n: n for n in names}, differs)


SQZ = ['squeeze', 'squeezeOn', 'squeezeOff', 'noSqueeze']
SQZPRO = ['squeeze', 'squeezeOnWide', 'squeezeOnNormal', 'squeezeOnNarrow', 'squeezeOff', 'noSqueeze']


def flags(rows):
    return {'skipRows': rows, 'why': 'pandas-ta gives the squeeze flags from the first row (0 on, 0 off, 1 no squeeze) while the bands are NaN, '
            'and the momentum where the bands are missing; hean gives every output from the warm-up on (one warm-up per node)'}


OHLC = {'open': 'open', 'high': 'high', 'low': 'low', 'close': 'close'}


def aligned(rows, line, earlier):
    return {'skipRows': rows, 'why': f'hean starts all outputs at the last one\'s first value (one warm-up per node); pandas-ta gives {line} {earlier} rows earlier'}


QQE = {'qqe': 'qqe', 'rsiMa': 'rsiMa', 'trend': 'trend'}


def qqe_call(call):
    """pandas-ta qqe's QQE and RSI MA columns, and trend: 1 where its QQEl column holds the value, -1 where QQEs does."""
    return (f'(lambda d: pd.DataFrame({{"qqe": d.iloc[:, 0], "rsiMa": d.iloc[:, 1], "trend": np.where(d.iloc[:, 2].notna(), 1.0, '
            f'np.where(d.iloc[:, 3].notna(), -1.0, np.nan))}}, index=d.index))({call})')


STC_FIXED = '__import__("momentum_b").stc_fixed'


def stc_fixed(*args, **kwargs):
    """pandas-ta's own stc with one condition mended: its first stochastic is computed when the macd range
    is positive (the published definition, as its second stochastic does), not when the lowest macd is
    (github twopirllc/pandas-ta issue 699: values biased low)."""
    import sys
    module = sys.modules['pandas_ta.momentum.stc']
    with open(module.__file__) as f:
        source = f.read()
    mended = source.replace('if lowest_xmacd[i] > 0:', 'if xmacd_range[i] > 0:')
    assert mended.count('if xmacd_range[i] > 0:') == 1
    scope = {'__name__': 'stc_mended'}
    exec(compile(mended, module.__file__, 'exec'), scope)
    return scope['stc'](*args, **kwargs)


def stc_differs(rows):
    return {'skipRows': rows, 'why': 'pandas-ta 0.3.14b0 computes the first stochastic only when the lowest macd is positive (issue 699); '
            'the reference is its own stc with that condition mended (range positive). hean starts every output at the first '
            'stochastic of a full macd window; pandas-ta gives 0 for stc and stoch (its state) and the macd earlier'}


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
    multi('indicator.squeeze', 'ta.squeeze(high, low, close)', SQZ, inputs=HLC, differs=flags(20)),
    multi('indicator.squeeze', 'ta.squeeze(high, low, close, bb_length=10, bb_std=1.5, kc_length=15, kc_scalar=1, mom_length=8, mom_smooth=4, mamode="ema")', SQZ,
          {'bbLength': 10, 'bbStd': 1.5, 'kcLength': 15, 'kcScalar': 1, 'momLength': 8, 'momSmooth': 4, 'maMode': 'ema'}, HLC, flags(14)),
    multi('indicator.squeeze', 'ta.squeeze(high, low, close, kc_scalar=2.5, tr=False, lazybear=True)', SQZ,
          {'kcScalar': 2.5, 'useTr': False, 'lazybear': True}, HLC, flags(38)),
    multi('indicator.squeeze_pro', 'ta.squeeze_pro(high, low, close)', SQZPRO, inputs=HLC, differs=flags(20)),
    multi('indicator.squeeze_pro', 'ta.squeeze_pro(high, low, close, bb_std=1.8, kc_scalar_wide=3, kc_scalar_normal=2, kc_scalar_narrow=0.5, mamode="ema", tr=False)', SQZPRO,
          {'bbStd': 1.8, 'kcScalarWide': 3, 'kcScalarNormal': 2, 'kcScalarNarrow': 0.5, 'maMode': 'ema', 'useTr': False}, HLC, flags(19)),
    multi('indicator.rvgi', 'ta.rvgi(open_, high, low, close)', ['rvgi', 'signal'], inputs=OHLC, differs=aligned(19, 'rvgi', 3)),
    multi('indicator.rvgi', 'ta.rvgi(open_, high, low, close, length=6, swma_length=7)', ['rvgi', 'signal'],
          {'length': 6, 'swmaLength': 7}, OHLC, aligned(17, 'rvgi', 6)),
    case('indicator.rsx', 'ta.rsx(close)'),
    case('indicator.rsx', 'ta.rsx(close, length=4)', {'length': 4}),
    case('indicator.rsx', 'ta.rsx(close, length=30)', {'length': 30}),
    case('indicator.qqe', qqe_call('ta.qqe(close)'), outputs=QQE, differs=aligned(26, 'rsiMa', 12)),
    case('indicator.qqe', qqe_call('ta.qqe(close, length=8, smooth=10, factor=3, mamode="sma", drift=2)'),
         {'length': 8, 'smooth': 10, 'factor': 3, 'maMode': 'sma', 'drift': 2}, outputs=QQE, differs=aligned(19, 'rsiMa', 2)),
    multi('indicator.stc', STC_FIXED + '(close)', ['stc', 'macd', 'stoch'], differs=stc_differs(34)),
    multi('indicator.stc', STC_FIXED + '(close, tclength=5, fast=30, slow=8, factor=0.3)', ['stc', 'macd', 'stoch'],
          {'tcLength': 5, 'fast': 30, 'slow': 8, 'factor': 0.3}, differs=stc_differs(33)),
    multi('indicator.td_seq', 'ta.td_seq(close, asint=True)', ['up', 'down']),
    multi('indicator.td_seq', 'ta.td_seq(close, asint=True, show_all=False)', ['up', 'down'], {'showAll': False}),
]

if __name__ == '__main__':
    write_cases(__file__, CASES)
