"""pandas-ta overlap studies TA-Lib lacks (see reference.py for how to run)."""
from reference import case, write_cases

CASES = [
    case('indicator.hma', 'ta.hma(close)'),
    case('indicator.hma', 'ta.hma(close, length=21)', {'length': 21}),
]

if __name__ == '__main__':
    write_cases(__file__, CASES)
