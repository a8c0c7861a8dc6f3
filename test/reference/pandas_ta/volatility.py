"""pandas-ta volatility indicators TA-Lib lacks (see reference.py for how to run)."""
from reference import case, write_cases

HLC = {'high': 'high', 'low': 'low', 'close': 'close'}
HL = {'high': 'high', 'low': 'low'}
OHLC = {'open': 'open', 'high': 'high', 'low': 'low', 'close': 'close'}
ALL_TOGETHER = 'hean starts all outputs of a node at one warm-up (the longest); pandas-ta gives some outputs earlier'

CASES = [
    case('indicator.kc', 'ta.kc(high, low, close)', {}, HLC,
         {'lower': 'KCLe_20_2', 'middle': 'KCBe_20_2', 'upper': 'KCUe_20_2'}),
    case('indicator.kc', 'ta.kc(high, low, close, length=10, scalar=1.5, mamode="sma", tr=False)',
         {'length': 10, 'scalar': 1.5, 'maMode': 'sma', 'tr': False}, HLC,
         {'lower': 'KCLs_10_1.5', 'middle': 'KCBs_10_1.5', 'upper': 'KCUs_10_1.5'}),
    case('indicator.kc', 'ta.kc(high, low, close, length=12, scalar=3, mamode="rma")',
         {'length': 12, 'scalar': 3, 'maMode': 'rma'}, HLC,
         {'lower': 'KCLr_12_3.0', 'middle': 'KCBr_12_3.0', 'upper': 'KCUr_12_3.0'},
         differs={'skipRows': 12, 'why': ALL_TOGETHER + ' (the middle line at event 11)'}),
    case('indicator.kc', 'ta.kc(high, low, close, length=8, mamode="wma")', {'length': 8, 'maMode': 'wma'}, HLC,
         {'lower': 'KCLw_8_2', 'middle': 'KCBw_8_2', 'upper': 'KCUw_8_2'},
         differs={'skipRows': 8, 'why': ALL_TOGETHER + ' (the middle line at event 7)'}),
    case('indicator.donchian', 'ta.donchian(high, low)', {}, HL,
         {'lower': 'DCL_20_20', 'middle': 'DCM_20_20', 'upper': 'DCU_20_20'}),
    case('indicator.donchian', 'ta.donchian(high, low, lower_length=10, upper_length=10)',
         {'lowerLength': 10, 'upperLength': 10}, HL,
         {'lower': 'DCL_10_10', 'middle': 'DCM_10_10', 'upper': 'DCU_10_10'}),
    case('indicator.donchian', 'ta.donchian(high, low, lower_length=7, upper_length=15)',
         {'lowerLength': 7, 'upperLength': 15}, HL,
         {'lower': 'DCL_7_15', 'middle': 'DCM_7_15', 'upper': 'DCU_7_15'},
         differs={'skipRows': 14, 'why': ALL_TOGETHER + ' (the lower line at event 6)'}),
    case('indicator.ui', 'ta.ui(close)'),
    case('indicator.ui', 'ta.ui(close, length=30, scalar=1)', {'length': 30, 'scalar': 1}),
    case('indicator.ui', 'ta.ui(close, length=10, everget=True)', {'length': 10, 'everget': True}),
    case('indicator.massi', 'ta.massi(high, low)', {}, HL),
    case('indicator.massi', 'ta.massi(high, low, fast=5, slow=12)', {'fast': 5, 'slow': 12}, HL),
    case('indicator.massi', 'ta.massi(high, low, fast=20, slow=7)', {'fast': 20, 'slow': 7}, HL),
    case('indicator.aberration', 'ta.aberration(high, low, close)', {}, HLC,
         {'middle': 'ABER_ZG_5_15', 'upper': 'ABER_SG_5_15', 'lower': 'ABER_XG_5_15', 'atr': 'ABER_ATR_5_15'},
         differs={'skipRows': 15, 'why': ALL_TOGETHER + ' (the middle line at event 4)'}),
    case('indicator.aberration', 'ta.aberration(high, low, close, length=20, atr_length=10)',
         {'length': 20, 'atrLength': 10}, HLC,
         {'middle': 'ABER_ZG_20_10', 'upper': 'ABER_SG_20_10', 'lower': 'ABER_XG_20_10', 'atr': 'ABER_ATR_20_10'},
         differs={'skipRows': 19, 'why': ALL_TOGETHER + ' (the ATR at event 10)'}),
    case('indicator.rvi', 'ta.rvi(close)'),
    case('indicator.rvi', 'ta.rvi(close, length=10, scalar=50, mamode="sma")', {'length': 10, 'scalar': 50, 'maMode': 'sma'}),
    case('indicator.rvi', 'ta.rvi(close, length=20, mamode="rma")', {'length': 20, 'maMode': 'rma'}),
    case('indicator.rvi', 'ta.rvi(close, length=6, mamode="wma")', {'length': 6, 'maMode': 'wma'}),
    case('indicator.thermo', 'ta.thermo(high, low)', {}, HL,
         {'value': 'THERMO_20_2_0.5', 'ma': 'THERMOma_20_2_0.5', 'long': 'THERMOl_20_2_0.5', 'short': 'THERMOs_20_2_0.5'},
         differs={'skipRows': 19, 'why': ALL_TOGETHER + ' (value at event 1; long and short as 0 while the average is NaN)'}),
    case('indicator.thermo', 'ta.thermo(high, low, length=10, long=1.5, short=0.8, mamode="sma")',
         {'length': 10, 'long': 1.5, 'short': 0.8, 'maMode': 'sma'}, HL,
         {'value': 'THERMO_10_1.5_0.8', 'ma': 'THERMOma_10_1.5_0.8', 'long': 'THERMOl_10_1.5_0.8', 'short': 'THERMOs_10_1.5_0.8'},
         differs={'skipRows': 10, 'why': ALL_TOGETHER + ' (value at event 1; long and short as 0 while the average is NaN)'}),
    case('indicator.thermo', 'ta.thermo(high, low, length=14, mamode="rma")', {'length': 14, 'maMode': 'rma'}, HL,
         {'value': 'THERMO_14_2_0.5', 'ma': 'THERMOma_14_2_0.5', 'long': 'THERMOl_14_2_0.5', 'short': 'THERMOs_14_2_0.5'},
         differs={'skipRows': 14, 'why': ALL_TOGETHER + ' (value at event 1; long and short as 0 while the average is NaN)'}),
    case('indicator.pdist', 'ta.pdist(open_, high, low, close)', {}, OHLC),
    case('indicator.hwc', 'ta.hwc(close)', {}, None, {'middle': 'HWM', 'upper': 'HWU', 'lower': 'HWL'}),
    case('indicator.hwc', 'ta.hwc(close, na=0.3, nb=0.05, nc=0.2, nd=0.15, scalar=2)',
         {'na': 0.3, 'nb': 0.05, 'nc': 0.2, 'nd': 0.15, 'scalar': 2}, None, {'middle': 'HWM', 'upper': 'HWU', 'lower': 'HWL'}),
]

if __name__ == '__main__':
    write_cases(__file__, CASES)
