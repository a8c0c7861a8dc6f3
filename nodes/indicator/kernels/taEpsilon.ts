/** TA-Lib 0.6 TA_EPSILON (ta_utility.h): TA_IS_ZERO(v) is -1e-14 < v < 1e-14, TA_IS_ZERO_OR_NEG(v) is v < 1e-14. */
export const TA_EPSILON = 0.00000000000001;
