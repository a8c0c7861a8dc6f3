"""pandas-ta volume indicators TA-Lib lacks (see reference.py for how to run)."""
from reference import case, write_cases

HLCV = {'high': 'high', 'low': 'low', 'close': 'close', 'volume': 'volume'}
HLV = {'high': 'high', 'low': 'low', 'volume': 'volume'}
CV = {'series': 'close', 'volume': 'volume'}
ALL_TOGETHER = 'hean starts all outputs of a node at one warm-up (the longest); pandas-ta gives some outputs earlier'


def aobv_cols(mode, fast, slow, mn, mx, run):
    return {'obv': 'OBV', 'min': f'OBV_min_{mn}', 'max': f'OBV_max_{mx}', 'fast': f'OBV{mode}_{fast}',
            'slow': f'OBV{mode}_{slow}', 'longRun': f'AOBV_LR_{run}', 'shortRun': f'AOBV_SR_{run}'}


# pandas-ta 0.3.14b0 nvi / pvi add the percentage change to the index (initial + cumsum of ROC): a bug
# for PVI (twopirllc/pandas-ta#625, multiplied in its development version), the same construction in
# NVI. hean follows the published definition (Fosback): the index times (1 + fractional change) on the
# events whose volume fell (NVI) / rose (PVI), computed here from pandas-ta's roc and signed_series.
VOLUME_INDEX_BUG = ('pandas-ta 0.3.14b0 adds percentage changes to the index (bug twopirllc/pandas-ta#625 for PVI, '
                    'same construction in NVI); hean and this reference follow the published multiplicative definition, '
                    'built from pandas-ta roc and signed_series instead of ta.nvi / ta.pvi')


def _volume_index(side, length, initial):
    return (f'{initial} * (1 + (ta.roc(close, length={length}) / 100).where(ta.utils.signed_series(volume, 1) {side} 0, 0)'
            '.fillna(0)).cumprod()')


CASES = [
    case('indicator.cmf', 'ta.cmf(high, low, close, volume)', {}, HLCV),
    case('indicator.cmf', 'ta.cmf(high, low, close, volume, length=7)', {'length': 7}, HLCV),
    case('indicator.efi', 'ta.efi(close, volume)', {}, CV),
    case('indicator.efi', 'ta.efi(close, volume, length=20, mamode="sma")', {'length': 20, 'maMode': 'sma'}, CV),
    case('indicator.efi', 'ta.efi(close, volume, length=9, mamode="wma")', {'length': 9, 'maMode': 'wma'}, CV),
    case('indicator.efi', 'ta.efi(close, volume, length=5, mamode="rma")', {'length': 5, 'maMode': 'rma'}, CV),
    case('indicator.eom', 'ta.eom(high, low, close, volume)', {}, HLV),
    case('indicator.eom', 'ta.eom(high, low, close, volume, length=5, divisor=1000)', {'length': 5, 'divisor': 1000}, HLV),
    case('indicator.pvt', 'ta.pvt(close, volume)', {}, CV),
    case('indicator.nvi', _volume_index('<', 1, 1000), {}, CV, differs={'why': VOLUME_INDEX_BUG}),
    case('indicator.nvi', _volume_index('<', 3, 100), {'length': 3, 'initial': 100}, CV, differs={'why': VOLUME_INDEX_BUG}),
    case('indicator.pvi', _volume_index('>', 1, 1000), {}, CV, differs={'why': VOLUME_INDEX_BUG}),
    case('indicator.pvi', _volume_index('>', 4, 50), {'length': 4, 'initial': 50}, CV, differs={'why': VOLUME_INDEX_BUG}),
    case('indicator.kvo', 'ta.kvo(high, low, close, volume)', {}, HLCV, {'kvo': 'KVO_34_55_13', 'signal': 'KVOs_34_55_13'},
         differs={'skipRows': 66, 'why': ALL_TOGETHER + ' (kvo at event 54)'}),
    case('indicator.kvo', 'ta.kvo(high, low, close, volume, fast=10, slow=20, signal=5, mamode="sma")',
         {'fast': 10, 'slow': 20, 'signal': 5, 'maMode': 'sma'}, HLCV, {'kvo': 'KVO_10_20_5', 'signal': 'KVOs_10_20_5'},
         differs={'skipRows': 23, 'why': ALL_TOGETHER + ' (kvo at event 19)'}),
    case('indicator.kvo', 'ta.kvo(high, low, close, volume, fast=12, slow=26, signal=9, mamode="rma")',
         {'fast': 12, 'slow': 26, 'signal': 9, 'maMode': 'rma'}, HLCV, {'kvo': 'KVO_12_26_9', 'signal': 'KVOs_12_26_9'},
         differs={'skipRows': 33, 'why': ALL_TOGETHER + ' (kvo at event 25)'}),
    case('indicator.kvo', 'ta.kvo(high, low, close, volume, fast=20, slow=10, signal=5, mamode="wma")',
         {'fast': 20, 'slow': 10, 'signal': 5, 'maMode': 'wma'}, HLCV, {'kvo': 'KVO_20_10_5', 'signal': 'KVOs_20_10_5'},
         differs={'skipRows': 23, 'why': ALL_TOGETHER + ' (kvo at event 19)'}),
    case('indicator.aobv', 'ta.aobv(close, volume)', {}, CV, aobv_cols('e', 4, 12, 2, 2, 2),
         differs={'skipRows': 13, 'why': ALL_TOGETHER + ' (obv at event 0; the run signals as 0 before the averages exist)'}),
    case('indicator.aobv', 'ta.aobv(close, volume, fast=5, slow=10, max_lookback=4, min_lookback=3, mamode="sma", run_length=3)',
         {'fast': 5, 'slow': 10, 'maxLookback': 4, 'minLookback': 3, 'maMode': 'sma', 'runLength': 3}, CV,
         aobv_cols('s', 5, 10, 3, 4, 3),
         differs={'skipRows': 12, 'why': ALL_TOGETHER + ' (obv at event 0; the run signals as 0 before the averages exist)'}),
    case('indicator.aobv', 'ta.aobv(close, volume, fast=12, slow=4, mamode="rma")',
         {'fast': 12, 'slow': 4, 'maMode': 'rma'}, CV, aobv_cols('r', 4, 12, 2, 2, 2),
         differs={'skipRows': 13, 'why': ALL_TOGETHER + ' (obv at event 0; the run signals as 0 before the averages exist)'}),
    case('indicator.pvol', 'ta.pvol(close, volume)', {}, CV),
    case('indicator.pvol', 'ta.pvol(close, volume, signed=True)', {'signed': True}, CV),
    case('indicator.pvr', 'ta.pvr(close, volume)', {}, CV),
]

if __name__ == '__main__':
    write_cases(__file__, CASES)
