"""pandas-ta volume indicators TA-Lib lacks (see reference.py for how to run)."""
from reference import case, write_cases

HLCV = {'high': 'high', 'low': 'low', 'close': 'close', 'volume': 'volume'}
HLV = {'high': 'high', 'low': 'low', 'volume': 'volume'}
CV = {'series': 'close', 'volume': 'volume'}
ALL_TOGETHER = 'hean starts all outputs of a node at one warm-up (the longest); pandas-ta gives some outputs earlier'


def aobv_cols(mode, fast, slow, mn, mx, run):
    return {'obv': 'OBV', 'min': f'OBV_min_{mn}', 'max': f'OBV_max_{mx}', 'fast': f'OBV{mode}_{fast}',
            'slow': f'OBV{mode}_{slow}', 'longRun': f'AOBV_LR_{run}', 'shortRun': f'AOBV_SR_{run}'}


CASES = [
    case('indicator.cmf', 'ta.cmf(high, low, close, volume)', {}, HLCV),
    case('indicator.cmf', 'ta.cmf(high, low, close, volume, length=7)', {'length': 7}, HLCV),
    case('indicator.efi', 'ta.efi(close, volume)', {}, CV),
    case('indicator.efi', 'ta.efi(close, volume, length=20, mamode="sma")', {'length': 20, 'maMode': 'sma'}, CV),
    case('indicator.efi', 'ta.efi(close, volume, length=9, mamode="wma")', {'length': 9, 'maMode': 'wma'}, CV),
    case('indicator.eom', 'ta.eom(high, low, close, volume)', {}, HLV),
    case('indicator.eom', 'ta.eom(high, low, close, volume, length=5, divisor=1000)', {'length': 5, 'divisor': 1000}, HLV),
    case('indicator.pvt', 'ta.pvt(close, volume)', {}, CV),
    case('indicator.nvi', 'ta.nvi(close, volume)', {}, CV),
    case('indicator.nvi', 'ta.nvi(close, volume, length=3, initial=100)', {'length': 3, 'initial': 100}, CV),
    case('indicator.pvi', 'ta.pvi(close, volume)', {}, CV),
    case('indicator.pvi', 'ta.pvi(close, volume, length=4, initial=50)', {'length': 4, 'initial': 50}, CV),
    case('indicator.kvo', 'ta.kvo(high, low, close, volume)', {}, HLCV, {'kvo': 'KVO_34_55_13', 'signal': 'KVOs_34_55_13'},
         differs={'skipRows': 66, 'why': ALL_TOGETHER + ' (kvo at event 54)'}),
    case('indicator.kvo', 'ta.kvo(high, low, close, volume, fast=10, slow=20, signal=5, mamode="sma")',
         {'fast': 10, 'slow': 20, 'signal': 5, 'maMode': 'sma'}, HLCV, {'kvo': 'KVO_10_20_5', 'signal': 'KVOs_10_20_5'},
         differs={'skipRows': 23, 'why': ALL_TOGETHER + ' (kvo at event 19)'}),
    case('indicator.kvo', 'ta.kvo(high, low, close, volume, fast=12, slow=26, signal=9, mamode="rma")',
         {'fast': 12, 'slow': 26, 'signal': 9, 'maMode': 'rma'}, HLCV, {'kvo': 'KVO_12_26_9', 'signal': 'KVOs_12_26_9'},
         differs={'skipRows': 33, 'why': ALL_TOGETHER + ' (kvo at event 25)'}),
    case('indicator.aobv', 'ta.aobv(close, volume)', {}, CV, aobv_cols('e', 4, 12, 2, 2, 2),
         differs={'skipRows': 13, 'why': ALL_TOGETHER + ' (obv at event 0; the run signals as 0 before the averages exist)'}),
    case('indicator.aobv', 'ta.aobv(close, volume, fast=5, slow=10, max_lookback=4, min_lookback=3, mamode="sma", run_length=3)',
         {'fast': 5, 'slow': 10, 'maxLookback': 4, 'minLookback': 3, 'maMode': 'sma', 'runLength': 3}, CV,
         aobv_cols('s', 5, 10, 3, 4, 3),
         differs={'skipRows': 12, 'why': ALL_TOGETHER + ' (obv at event 0; the run signals as 0 before the averages exist)'}),
    case('indicator.pvol', 'ta.pvol(close, volume)', {}, CV),
    case('indicator.pvol', 'ta.pvol(close, volume, signed=True)', {'signed': True}, CV),
    case('indicator.pvr', 'ta.pvr(close, volume)', {}, CV),
]

if __name__ == '__main__':
    write_cases(__file__, CASES)
