"""pandas-ta cycles TA-Lib lacks (see reference.py for how to run).

ebsw: pandas-ta 0.3.14b0 has two known bugs (its issue #350, fixed in its development version): it takes
sin/cos of Ehlers' degree values as radians, and it starts its high-pass at row `length` from a previous
close of 0. hean follows Ehlers. The reference is still pandas-ta's own ebsw code, with its sine and
cosine given degrees (the published definition) and fed `length` zeros then close - first close: its
high-pass only sees differences, so this starts it from the first close with no step from 0, as hean
does; its first length - 1 rows (hean's warm-up, pandas-ta's own NaN rows) are blanked.
"""
from reference import case, write_cases

EBSW_WHY = ("pandas-ta 0.3.14b0 ebsw computes sin/cos of degree values in radians and starts from a close of 0 "
            "(issue #350); the reference runs its code with degree sine/cosine and a start at the first close")


def ebsw(length, bars):
    degrees = ('ta.ebsw.__globals__.update(npSin=lambda a: np.sin(np.radians(a)), '
               'npCos=lambda a: np.cos(np.radians(a)))')
    padded = (f'pd.concat([pd.Series([0.0] * {length}), (close - close.iloc[0]).reset_index(drop=True)], '
              'ignore_index=True)')
    return (f'({degrees} or pd.Series(ta.ebsw({padded}, length={length}, bars={bars}).to_numpy()[{length}:], '
            f'index=close.index).where(np.arange(len(close)) >= {length - 1}))')


CASES = [
    case('indicator.ebsw', ebsw(40, 10), differs={'why': EBSW_WHY}),
    case('indicator.ebsw', ebsw(45, 8), {'length': 45, 'bars': 8}, differs={'why': EBSW_WHY}),
]

if __name__ == '__main__':
    write_cases(__file__, CASES)
