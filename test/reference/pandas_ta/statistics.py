"""pandas-ta statistics TA-Lib lacks (see reference.py for how to run).

Not here: pandas-ta mad is TA-Lib AVGDEV (indicator.avgdev). tos_stdevall is checked in its causal
form: pandas-ta's own function applied at every row to the length values ending there (its last row).
"""
from reference import case, write_cases

TOS = ['lr', 'lower1', 'upper1', 'lower2', 'upper2', 'lower3', 'upper3']


def tos_rolling(length, stds, ddof):
    """pandas-ta tos_stdevall over the `length` closes ending at each row, its last row (the causal form)."""
    return (f'pd.DataFrame([ta.tos_stdevall(close.iloc[i - {length - 1}:i + 1], length={length}, stds={stds}, ddof={ddof})'
            f'.iloc[-1].to_numpy() if i >= {length - 1} else [np.nan] * 7 for i in range(len(close))], index=close.index, '
            f'columns={TOS})')


CASES = [
    case('indicator.zscore', 'ta.zscore(close)'),
    case('indicator.zscore', 'ta.zscore(close, length=14, std=2)', {'length': 14, 'std': 2}),
    case('indicator.zscore', 'ta.zscore(close, length=20, ddof=0)', {'length': 20, 'ddof': 0}),
    case('indicator.skew', 'ta.skew(close)'),
    case('indicator.skew', 'ta.skew(close, length=10)', {'length': 10}),
    case('indicator.kurtosis', 'ta.kurtosis(close)'),
    # length 10 and 12 are not used: pandas' running power sums (shifted by the whole series' mean)
    # lose digits on one row each ([316], [376]) where the kurtosis is near 0; exact rational
    # arithmetic over the window gives hean's value to 1e-13 there.
    case('indicator.kurtosis', 'ta.kurtosis(close, length=14)', {'length': 14}),
    case('indicator.median', 'ta.median(close)'),
    case('indicator.median', 'ta.median(close, length=11)', {'length': 11}),
    case('indicator.quantile', 'ta.quantile(close)'),
    case('indicator.quantile', 'ta.quantile(close, length=20, q=0.9)', {'length': 20, 'q': 0.9}),
    case('indicator.quantile', 'ta.quantile(close, length=7, q=0.25)', {'length': 7, 'q': 0.25}),
    case('indicator.entropy', 'ta.entropy(close)'),
    case('indicator.entropy', 'ta.entropy(close, length=20, base=10)', {'length': 20, 'base': 10}),
    case('indicator.stdev', 'ta.stdev(close)'),
    case('indicator.stdev', 'ta.stdev(close, length=10, ddof=0)', {'length': 10, 'ddof': 0}),
    case('indicator.variance', 'ta.variance(close)'),
    case('indicator.variance', 'ta.variance(close, length=10, ddof=0)', {'length': 10, 'ddof': 0}),
    case('indicator.variance', 'ta.variance(close, length=15, ddof=2)', {'length': 15, 'ddof': 2}),
    case('indicator.tos_stdevall', tos_rolling(30, [1, 2, 3], 1), outputs={k: k for k in TOS}),
    case('indicator.tos_stdevall', tos_rolling(20, [0.5, 1, 2.5], 2), {'length': 20, 'stds': [0.5, 1, 2.5], 'ddof': 2},
         outputs={k: k for k in TOS}),
]

if __name__ == '__main__':
    write_cases(__file__, CASES)
