"""pandas-ta overlap studies TA-Lib lacks (see reference.py for how to run)."""
from reference import case, write_cases

# pandas-ta ssf reads ssf.iloc[i - 1], ssf.iloc[i - 2] (, i - 3) on its first rows as the last rows of the
# series (a look ahead); hean starts with ssf = close for the first `poles` rows. The rows skipped are
# those before both agree to 1e-9 relative (the start decays as exp(-x) per row).
SSF_SKIP = (38, 115)
SSF_WHY = ('pandas-ta ssf starts its recursion from the last rows of the whole series (negative indexes wrap, '
           'a look ahead); hean starts from ssf = close for the first poles rows; the rows skipped are those '
           'before the two starts have decayed to agree within 1e-9')

CASES = [
    case('indicator.hma', 'ta.hma(close)'),
    case('indicator.hma', 'ta.hma(close, length=21)', {'length': 21}),
    case('indicator.vwma', 'ta.vwma(close, volume)', inputs={'series': 'close', 'volume': 'volume'}),
    case('indicator.vwma', 'ta.vwma(close, volume, length=21)', {'length': 21}, inputs={'series': 'close', 'volume': 'volume'}),
    case('indicator.rma', 'ta.rma(close)'),
    case('indicator.rma', 'ta.rma(close, length=21)', {'length': 21}),
    # pandas-ta alma applies its weights newest first: with distribution_offset 1 - o it computes the
    # published ALMA with offset o (hean's definition).
    case('indicator.alma', 'ta.alma(close, distribution_offset=0.15)', differs={
        'skipRows': 11, 'why': 'pandas-ta alma writes 0 at row length - 1 and NaN at row length (bugs); hean has the published ALMA there'}),
    case('indicator.alma', 'ta.alma(close, length=20, sigma=4, distribution_offset=0.3)',
         {'length': 20, 'sigma': 4, 'distributionOffset': 0.7}, differs={
        'skipRows': 21, 'why': 'pandas-ta alma writes 0 at row length - 1 and NaN at row length (bugs); hean has the published ALMA there'}),
    case('indicator.zlma', 'ta.zlma(close)'),
    case('indicator.zlma', "ta.zlma(close, length=10, mamode='dema')", {'length': 10, 'maMode': 'dema'}),
    # pandas-ta 0.3.14b0 zlma fails for these modes ('module' object is not callable): the call is
    # zlma's own formula, pandas-ta's average of 2 * close - close.shift(lag), lag = int(0.5 * (length - 1)).
    case('indicator.zlma', 'ta.tema(2 * close - close.shift(4), length=9)', {'length': 9, 'maMode': 'tema'}),
    case('indicator.zlma', 'ta.t3(2 * close - close.shift(3), length=8)', {'length': 8, 'maMode': 't3'}),
    case('indicator.zlma', 'ta.hma(2 * close - close.shift(7), length=16)', {'length': 16, 'maMode': 'hma'}),
    case('indicator.zlma', 'ta.linreg(2 * close - close.shift(6), length=14)', {'length': 14, 'maMode': 'linreg'}),
    case('indicator.zlma', 'ta.rma(2 * close - close.shift(5), length=12)', {'length': 12, 'maMode': 'rma'}),
    case('indicator.zlma', 'ta.sma(2 * close - close.shift(5), length=11)', {'length': 11, 'maMode': 'sma'}),
    case('indicator.zlma', 'ta.swma(2 * close - close.shift(4), length=10)', {'length': 10, 'maMode': 'swma'}),
    case('indicator.zlma', 'ta.trima(2 * close - close.shift(4), length=10)', {'length': 10, 'maMode': 'trima'}),
    case('indicator.zlma', 'ta.wma(2 * close - close.shift(10), length=21)', {'length': 21, 'maMode': 'wma'}),
    case('indicator.zlma', "ta.zlma(close, length=21, mamode='ema')", {'length': 21, 'maMode': 'ema'}),
    case('indicator.swma', 'ta.swma(close)'),
    case('indicator.swma', 'ta.swma(close, length=7)', {'length': 7}),
    case('indicator.pwma', 'ta.pwma(close)'),
    case('indicator.pwma', 'ta.pwma(close, length=15)', {'length': 15}),
    case('indicator.fwma', 'ta.fwma(close)'),
    case('indicator.fwma', 'ta.fwma(close, length=15)', {'length': 15}),
    case('indicator.sinwma', 'ta.sinwma(close)'),
    case('indicator.sinwma', 'ta.sinwma(close, length=9)', {'length': 9}),
    case('indicator.hwma', 'ta.hwma(close)'),
    case('indicator.hwma', 'ta.hwma(close, na=0.3, nb=0.2, nc=0.05)', {'na': 0.3, 'nb': 0.2, 'nc': 0.05}),
    case('indicator.supertrend', 'ta.supertrend(high, low, close)', inputs={'high': 'high', 'low': 'low', 'close': 'close'},
         outputs={'trend': 'SUPERT_7_3.0', 'direction': 'SUPERTd_7_3.0', 'long': 'SUPERTl_7_3.0', 'short': 'SUPERTs_7_3.0'},
         differs={'skipRows': 7, 'why': 'during the ATR warm-up pandas-ta writes placeholders (trend 0 on the first bar, direction 1); hean gives no value'}),
    case('indicator.supertrend', 'ta.supertrend(high, low, close, length=14, multiplier=2)', {'length': 14, 'multiplier': 2},
         inputs={'high': 'high', 'low': 'low', 'close': 'close'},
         outputs={'trend': 'SUPERT_14_2.0', 'direction': 'SUPERTd_14_2.0', 'long': 'SUPERTl_14_2.0', 'short': 'SUPERTs_14_2.0'},
         differs={'skipRows': 14, 'why': 'during the ATR warm-up pandas-ta writes placeholders (trend 0 on the first bar, direction 1); hean gives no value'}),
    case('indicator.vwap', "ta.vwap(high, low, close, volume)", None, inputs={'high': 'high', 'low': 'low', 'close': 'close', 'volume': 'volume'}),
    case('indicator.vwap', "ta.vwap(high, low, close, volume, anchor='W')", {'anchor': 'W'}, inputs={'high': 'high', 'low': 'low', 'close': 'close', 'volume': 'volume'}),
    case('indicator.vwap', "ta.vwap(high, low, close, volume, anchor='M')", {'anchor': 'M'}, inputs={'high': 'high', 'low': 'low', 'close': 'close', 'volume': 'volume'}),
    # ichimoku's first frame: the spans as plotted at each bar (shifted forward by kijun); the chikou span looks ahead.
    case('indicator.ichimoku', 'ta.ichimoku(high, low, close)[0]', inputs={'high': 'high', 'low': 'low'},
         outputs={'tenkan': 'ITS_9', 'kijun': 'IKS_26', 'spanA': 'ISA_9', 'spanB': 'ISB_26'}),
    case('indicator.ichimoku', 'ta.ichimoku(high, low, close, tenkan=7, kijun=22, senkou=44)[0]', {'tenkan': 7, 'kijun': 22, 'senkou': 44},
         inputs={'high': 'high', 'low': 'low'}, outputs={'tenkan': 'ITS_7', 'kijun': 'IKS_22', 'spanA': 'ISA_7', 'spanB': 'ISB_22'}),
    case('indicator.hilo', 'ta.hilo(high, low, close)', inputs={'high': 'high', 'low': 'low', 'close': 'close'},
         outputs={'value': 'HILO_13_21', 'long': 'HILOl_13_21', 'short': 'HILOs_13_21'}),
    case('indicator.hilo', "ta.hilo(high, low, close, high_length=10, low_length=20, mamode='ema')", {'highLength': 10, 'lowLength': 20, 'maMode': 'ema'},
         inputs={'high': 'high', 'low': 'low', 'close': 'close'}, outputs={'value': 'HILO_10_20', 'long': 'HILOl_10_20', 'short': 'HILOs_10_20'}),
    case('indicator.hilo', "ta.hilo(high, low, close, high_length=8, low_length=12, mamode='dema')", {'highLength': 8, 'lowLength': 12, 'maMode': 'dema'},
         inputs={'high': 'high', 'low': 'low', 'close': 'close'}, outputs={'value': 'HILO_8_12', 'long': 'HILOl_8_12', 'short': 'HILOs_8_12'}),
    case('indicator.hilo', "ta.hilo(high, low, close, high_length=5, low_length=9, mamode='tema')", {'highLength': 5, 'lowLength': 9, 'maMode': 'tema'},
         inputs={'high': 'high', 'low': 'low', 'close': 'close'}, outputs={'value': 'HILO_5_9', 'long': 'HILOl_5_9', 'short': 'HILOs_5_9'}),
    case('indicator.hilo', "ta.hilo(high, low, close, high_length=6, low_length=4, mamode='t3')", {'highLength': 6, 'lowLength': 4, 'maMode': 't3'},
         inputs={'high': 'high', 'low': 'low', 'close': 'close'}, outputs={'value': 'HILO_6_4', 'long': 'HILOl_6_4', 'short': 'HILOs_6_4'}),
    case('indicator.hilo', "ta.hilo(high, low, close, high_length=9, low_length=16, mamode='hma')", {'highLength': 9, 'lowLength': 16, 'maMode': 'hma'},
         inputs={'high': 'high', 'low': 'low', 'close': 'close'}, outputs={'value': 'HILO_9_16', 'long': 'HILOl_9_16', 'short': 'HILOs_9_16'}),
    case('indicator.hilo', "ta.hilo(high, low, close, high_length=14, low_length=10, mamode='linreg')", {'highLength': 14, 'lowLength': 10, 'maMode': 'linreg'},
         inputs={'high': 'high', 'low': 'low', 'close': 'close'}, outputs={'value': 'HILO_14_10', 'long': 'HILOl_14_10', 'short': 'HILOs_14_10'}),
    case('indicator.hilo', "ta.hilo(high, low, close, high_length=13, low_length=21, mamode='rma')", {'highLength': 13, 'lowLength': 21, 'maMode': 'rma'},
         inputs={'high': 'high', 'low': 'low', 'close': 'close'}, outputs={'value': 'HILO_13_21', 'long': 'HILOl_13_21', 'short': 'HILOs_13_21'}),
    case('indicator.hilo', "ta.hilo(high, low, close, high_length=12, low_length=15, mamode='wma')", {'highLength': 12, 'lowLength': 15, 'maMode': 'wma'},
         inputs={'high': 'high', 'low': 'low', 'close': 'close'}, outputs={'value': 'HILO_12_15', 'long': 'HILOl_12_15', 'short': 'HILOs_12_15'}),
    case('indicator.hilo', "ta.hilo(high, low, close, high_length=7, low_length=11, mamode='swma')", {'highLength': 7, 'lowLength': 11, 'maMode': 'swma'},
         inputs={'high': 'high', 'low': 'low', 'close': 'close'}, outputs={'value': 'HILO_7_11', 'long': 'HILOl_7_11', 'short': 'HILOs_7_11'}),
    case('indicator.hilo', "ta.hilo(high, low, close, high_length=8, low_length=9, mamode='pwma')", {'highLength': 8, 'lowLength': 9, 'maMode': 'pwma'},
         inputs={'high': 'high', 'low': 'low', 'close': 'close'}, outputs={'value': 'HILO_8_9', 'long': 'HILOl_8_9', 'short': 'HILOs_8_9'}),
    case('indicator.hilo', "ta.hilo(high, low, close, high_length=10, low_length=11, mamode='fwma')", {'highLength': 10, 'lowLength': 11, 'maMode': 'fwma'},
         inputs={'high': 'high', 'low': 'low', 'close': 'close'}, outputs={'value': 'HILO_10_11', 'long': 'HILOl_10_11', 'short': 'HILOs_10_11'}),
    case('indicator.hilo', "ta.hilo(high, low, close, high_length=14, low_length=13, mamode='sinwma')", {'highLength': 14, 'lowLength': 13, 'maMode': 'sinwma'},
         inputs={'high': 'high', 'low': 'low', 'close': 'close'}, outputs={'value': 'HILO_14_13', 'long': 'HILOl_14_13', 'short': 'HILOs_14_13'}),
    case('indicator.hilo', "ta.hilo(high, low, close, high_length=10, low_length=21, mamode='trima')", {'highLength': 10, 'lowLength': 21, 'maMode': 'trima'},
         inputs={'high': 'high', 'low': 'low', 'close': 'close'}, outputs={'value': 'HILO_10_21', 'long': 'HILOl_10_21', 'short': 'HILOs_10_21'}),
    case('indicator.hilo', "ta.hilo(high, low, close, high_length=5, low_length=5, mamode='sma')", {'highLength': 5, 'lowLength': 5, 'maMode': 'sma'},
         inputs={'high': 'high', 'low': 'low', 'close': 'close'}, outputs={'value': 'HILO_5_5', 'long': 'HILOl_5_5', 'short': 'HILOs_5_5'}),
    case('indicator.hilo', "ta.hilo(high, low, close, high_length=13, low_length=21, mamode='midpoint')", {'highLength': 13, 'lowLength': 21, 'maMode': 'midpoint'},
         inputs={'high': 'high', 'low': 'low', 'close': 'close'}, outputs={'value': 'HILO_13_21', 'long': 'HILOl_13_21', 'short': 'HILOs_13_21'}),
    case('indicator.hilo', "ta.hilo(high, low, close, high_length=14, low_length=10, mamode='vidya')", {'highLength': 14, 'lowLength': 10, 'maMode': 'vidya'},
         inputs={'high': 'high', 'low': 'low', 'close': 'close'}, outputs={'value': 'HILO_14_10', 'long': 'HILOl_14_10', 'short': 'HILOs_14_10'}),
    case('indicator.hilo', "ta.hilo(high, low, close, high_length=12, low_length=20, mamode='zlma')", {'highLength': 12, 'lowLength': 20, 'maMode': 'zlma'},
         inputs={'high': 'high', 'low': 'low', 'close': 'close'}, outputs={'value': 'HILO_12_20', 'long': 'HILOl_12_20', 'short': 'HILOs_12_20'}),
    case('indicator.mcgd', 'ta.mcgd(close)'),
    case('indicator.mcgd', 'ta.mcgd(close, length=20, c=0.6)', {'length': 20, 'c': 0.6}),
    case('indicator.ssf', 'ta.ssf(close)', differs={'skipRows': SSF_SKIP[0], 'why': SSF_WHY}),
    case('indicator.ssf', 'ta.ssf(close, length=20, poles=3)', {'length': 20, 'poles': 3}, differs={'skipRows': SSF_SKIP[1], 'why': SSF_WHY}),
    case('indicator.vidya', 'ta.vidya(close)'),
    case('indicator.vidya', 'ta.vidya(close, length=9)', {'length': 9}),
    case('indicator.jma', 'ta.jma(close)'),
    case('indicator.jma', 'ta.jma(close, length=20, phase=50)', {'length': 20, 'phase': 50}),
    case('indicator.jma', 'ta.jma(close, length=12, phase=-130)', {'length': 12, 'phase': -130}),
]

if __name__ == '__main__':
    write_cases(__file__, CASES)
