"""pandas-ta candles TA-Lib lacks (see reference.py for how to run)."""
from reference import case, write_cases

OHLC = {k: k for k in ('open', 'high', 'low', 'close')}
NO_FIRST = ('pandas-ta gives 0 where the pattern cannot be decided yet (its comparisons with the missing '
            'previous candle or average are false); hean gives no output there (the declared warm-up)')

CASES = [
    case('indicator.ha', 'ta.ha(open_, high, low, close)', inputs=OHLC,
         outputs={'open': 'HA_open', 'high': 'HA_high', 'low': 'HA_low', 'close': 'HA_close'}),
    case('indicator.cdl_z', 'ta.cdl_z(open_, high, low, close)', inputs=OHLC,
         outputs={'open': 'open_Z_30_1', 'high': 'high_Z_30_1', 'low': 'low_Z_30_1', 'close': 'close_Z_30_1'}),
    case('indicator.cdl_z', 'ta.cdl_z(open_, high, low, close, length=14, ddof=2)', {'length': 14, 'ddof': 2}, inputs=OHLC,
         outputs={'open': 'open_Z_14_2', 'high': 'high_Z_14_2', 'low': 'low_Z_14_2', 'close': 'close_Z_14_2'}),
    case('indicator.cdl_inside', 'ta.cdl_inside(open_, high, low, close)', inputs=OHLC, differs={'skipRows': 1, 'why': NO_FIRST}),
    case('indicator.cdl_inside', 'ta.cdl_inside(open_, high, low, close, asbool=True).astype(float)', {'asbool': True},
         inputs=OHLC, differs={'skipRows': 1, 'why': NO_FIRST}),
    case('indicator.cdl_doji', 'ta.cdl_doji(open_, high, low, close)', inputs=OHLC, differs={'skipRows': 9, 'why': NO_FIRST}),
    case('indicator.cdl_doji', 'ta.cdl_doji(open_, high, low, close, length=20, factor=25, scalar=1)',
         {'length': 20, 'factor': 25, 'scalar': 1}, inputs=OHLC, differs={'skipRows': 19, 'why': NO_FIRST}),
]

if __name__ == '__main__':
    write_cases(__file__, CASES)
