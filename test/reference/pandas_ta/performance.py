"""pandas-ta performance measures (see reference.py for how to run)."""
from reference import case, write_cases

CASES = [
    case('indicator.log_return', 'ta.log_return(close)'),
    case('indicator.log_return', 'ta.log_return(close, length=5)', {'length': 5}),
    case('indicator.log_return', 'ta.log_return(close, cumulative=True)', {'cumulative': True}),
    case('indicator.percent_return', 'ta.percent_return(close)'),
    case('indicator.percent_return', 'ta.percent_return(close, length=5)', {'length': 5}),
    case('indicator.percent_return', 'ta.percent_return(close, cumulative=True)', {'cumulative': True}),
    case('indicator.drawdown', 'ta.drawdown(close)', outputs={'drawdown': 'DD', 'percent': 'DD_PCT', 'log': 'DD_LOG'}),
    case('indicator.drawdown', 'ta.drawdown(low)', inputs={'series': 'low'},
         outputs={'drawdown': 'DD', 'percent': 'DD_PCT', 'log': 'DD_LOG'}),
]

if __name__ == '__main__':
    write_cases(__file__, CASES)
