"""pandas-ta momentum indicators TA-Lib lacks (see reference.py for how to run)."""
from reference import case, write_cases

HL = {'high': 'high', 'low': 'low'}
HLC = {'high': 'high', 'low': 'low', 'close': 'close'}
OHLC = {'open': 'open', 'high': 'high', 'low': 'low', 'close': 'close'}


def one_warmup(rows, why):
    return {'skipRows': rows, 'why': why}


CASES = [
    case('indicator.ao', 'ta.ao(high, low)', inputs=HL),
    case('indicator.ao', 'ta.ao(high, low, fast=3, slow=10)', {'fast': 3, 'slow': 10}, inputs=HL),
    case('indicator.bias', 'ta.bias(close)'),
    case('indicator.bias', 'ta.bias(close, length=10, mamode="ema")', {'length': 10, 'maMode': 'ema'}),
    case('indicator.bias', 'ta.bias(close, length=12, mamode="wma")', {'length': 12, 'maMode': 'wma'}),
    case('indicator.bias', 'ta.bias(close, length=8, mamode="rma")', {'length': 8, 'maMode': 'rma'}),
    case('indicator.cfo', 'ta.cfo(close)'),
    case('indicator.cfo', 'ta.cfo(close, length=20, scalar=50)', {'length': 20, 'scalar': 50}),
    case('indicator.cg', 'ta.cg(close)'),
    case('indicator.cg', 'ta.cg(close, length=6)', {'length': 6}),
    case('indicator.coppock', 'ta.coppock(close)'),
    case('indicator.coppock', 'ta.coppock(close, length=5, fast=8, slow=20)', {'length': 5, 'fast': 8, 'slow': 20}),
    case('indicator.cti', 'ta.cti(close)'),
    case('indicator.cti', 'ta.cti(close, length=30)', {'length': 30}),
    case('indicator.er', 'ta.er(close)'),
    case('indicator.er', 'ta.er(close, length=20, drift=2)', {'length': 20, 'drift': 2}),
    case('indicator.eri', 'ta.eri(high, low, close)', inputs=HLC, outputs={'bull': 'BULLP_13', 'bear': 'BEARP_13'}),
    case('indicator.eri', 'ta.eri(high, low, close, length=5)', {'length': 5}, inputs=HLC,
         outputs={'bull': 'BULLP_5', 'bear': 'BEARP_5'}),
    case('indicator.fisher', 'ta.fisher(high, low)', inputs=HL, outputs={'fisher': 'FISHERT_9_1', 'signal': 'FISHERTs_9_1'},
         differs=one_warmup(9, 'hean gives both outputs from the same event: fisher (0 at event length - 1 in pandas-ta) starts with its signal, signal events later')),
    case('indicator.fisher', 'ta.fisher(high, low, length=20, signal=3)', {'length': 20, 'signal': 3}, inputs=HL,
         outputs={'fisher': 'FISHERT_20_3', 'signal': 'FISHERTs_20_3'},
         differs=one_warmup(22, 'hean gives both outputs from the same event: fisher (0 at event length - 1 in pandas-ta) starts with its signal, signal events later')),
    case('indicator.inertia', 'ta.inertia(close)'),
    case('indicator.inertia', 'ta.inertia(close, length=10, rvi_length=8, scalar=1)',
         {'length': 10, 'rviLength': 8, 'scalar': 1}),
    case('indicator.inertia', 'ta.inertia(close, length=12, rvi_length=10, mamode="sma")',
         {'length': 12, 'rviLength': 10, 'maMode': 'sma'}),
    case('indicator.inertia', 'ta.inertia(close, length=8, rvi_length=6, mamode="rma")', {'length': 8, 'rviLength': 6, 'maMode': 'rma'}),
    case('indicator.inertia', 'ta.inertia(close, length=5, rvi_length=9, mamode="wma")', {'length': 5, 'rviLength': 9, 'maMode': 'wma'}),
    case('indicator.kdj', 'ta.kdj(high, low, close)', inputs=HLC, outputs={'k': 'K_9_3', 'd': 'D_9_3', 'j': 'J_9_3'},
         differs=one_warmup(12, 'hean gives all outputs from the same event: K starts with D and J, signal - 1 events after pandas-ta\'s first K')),
    case('indicator.kdj', 'ta.kdj(high, low, close, length=14, signal=5)', {'length': 14, 'signal': 5}, inputs=HLC,
         outputs={'k': 'K_14_5', 'd': 'D_14_5', 'j': 'J_14_5'},
         differs=one_warmup(21, 'hean gives all outputs from the same event: K starts with D and J, signal - 1 events after pandas-ta\'s first K')),
    case('indicator.brar', 'ta.brar(open_, high, low, close)', inputs=OHLC, outputs={'ar': 'AR_26', 'br': 'BR_26'},
         differs=one_warmup(26, 'hean gives both outputs from the same event: AR starts with BR, which needs drift more events (the previous close)')),
    case('indicator.brar', 'ta.brar(open_, high, low, close, length=10, scalar=1, drift=3)',
         {'length': 10, 'scalar': 1, 'drift': 3}, inputs=OHLC, outputs={'ar': 'AR_10', 'br': 'BR_10'},
         differs=one_warmup(12, 'hean gives both outputs from the same event: AR starts with BR, which needs drift more events (the previous close)')),
    case('indicator.dm', 'ta.dm(high, low)', inputs=HL, outputs={'plus': 'DMP_14', 'minus': 'DMN_14'}),
    case('indicator.dm', 'ta.dm(high, low, length=10, mamode="ema", drift=2)', {'length': 10, 'maMode': 'ema', 'drift': 2},
         inputs=HL, outputs={'plus': 'DMP_10', 'minus': 'DMN_10'}),
    case('indicator.dm', 'ta.dm(high, low, length=7, mamode="sma")', {'length': 7, 'maMode': 'sma'},
         inputs=HL, outputs={'plus': 'DMP_7', 'minus': 'DMN_7'}),
    case('indicator.dm', 'ta.dm(high, low, length=5, mamode="wma", drift=3)', {'length': 5, 'maMode': 'wma', 'drift': 3},
         inputs=HL, outputs={'plus': 'DMP_5', 'minus': 'DMN_5'}),
]

if __name__ == '__main__':
    write_cases(__file__, CASES)
