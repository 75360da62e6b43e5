"""The few statistics the analytics need, computed from what the database aggregated."""

from __future__ import annotations

import math
from collections.abc import Mapping
from fractions import Fraction

QUARTILES = (Fraction(1, 4), Fraction(1, 2), Fraction(3, 4))

# Bin widths a reader can take in at a glance, in seconds.
NICE_WIDTHS = (
    10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 4 * 3600, 8 * 3600, 12 * 3600,
    86400, 2 * 86400, 7 * 86400, 14 * 86400, 28 * 86400,
)
MAX_BINS = 20


def quantile_positions(n: int, p: Fraction) -> tuple[int, int]:
    """0-based positions in the sorted values whose interpolation gives quantile p."""
    k = (n - 1) * p
    low = math.floor(k)
    return low, min(low + 1, n - 1)


def quantile(n: int, p: Fraction, values: Mapping[int, float]) -> float:
    """Quantile p of n sorted values, given (at least) the values at `quantile_positions`.

    Linear interpolation between the closest ranks: the same as PostgreSQL's percentile_cont
    and Python's statistics.quantiles(method="inclusive").
    """
    if n < 1:
        raise ValueError(f"A quantile needs at least one value, got n={n}.")
    low, high = quantile_positions(n, p)
    frac = (n - 1) * p - low
    return float(values[low] + (values[high] - values[low]) * frac)


def positions_needed(n: int) -> set[int]:
    """Every position the quartiles, minimum and maximum of n sorted values read."""
    out = {0, n - 1}
    for p in QUARTILES:
        out.update(quantile_positions(n, p))
    return out


def item_rest_correlation(n: int, sum_x: int, sum_y: float, sum_xy: float, sum_yy: float) -> float | None:
    """Pearson correlation from sums, for x in {0, 1} (so sum of x² is sum_x): the point-biserial.

    None when it is undefined: fewer than two pairs, or x or y does not vary.
    """
    if n < 2:
        return None
    var_x = n * sum_x - sum_x * sum_x
    var_y = n * sum_yy - sum_y * sum_y
    if var_x <= 0 or var_y <= 0:
        return None
    return float((n * sum_xy - sum_x * sum_y) / math.sqrt(var_x * var_y))


def bin_width(n: int, q1: float, q3: float, maximum: float) -> float:
    """A readable histogram bin width: the Freedman-Diaconis width rounded up to NICE_WIDTHS,
    widened so that the bins up to the outlier fence (q3 + 3 IQR) number at most MAX_BINS."""
    iqr = q3 - q1
    raw = 2 * iqr / n ** (1 / 3) if n > 0 and iqr > 0 else maximum / MAX_BINS
    top = min(maximum, q3 + 3 * iqr) if iqr > 0 else maximum
    raw = max(raw, top / MAX_BINS)
    for width in NICE_WIDTHS:
        if width >= raw:
            return float(width)
    return float(math.ceil(raw / NICE_WIDTHS[-1]) * NICE_WIDTHS[-1])


def bin_count(width: float, q3: float, iqr: float, maximum: float) -> int:
    """How many bins of `width`, the last one open-ended, cover the values up to the fence."""
    top = min(maximum, q3 + 3 * iqr) if iqr > 0 else maximum
    return max(1, min(MAX_BINS, math.floor(top / width) + 1))
