"""The numeric fast path: parse a cleaned answer into an exact rational plus how precisely it was
written, and compare two such numbers without sympy or a process hop.

Precision rules (why): a value written as an integer or fraction is exact; a decimal is exact too, except
that (1) a decimal printed with >= 8 significant digits is machine output (float or solver noise), so a
relative difference up to 1e-7 is forgiven (`0.30000000000000004` == `0.3`, `4.0000001` == `4`): 8 digits
are more than any person writes for these benchmarks' answers, and 1e-7 is about one unit in the 8th digit,
so only noise in the last printed digit passes (`10000.01` != `10000`); (2) a decimal with >= 6 significant digits that is the
correct rounding of a non-terminating gold is accepted (`0.333333` for 1/3, but never `0.33`); (3) a gold
that is itself rounded (a decimal with >= 2 decimals, NumGLUE's "4.17") accepts a more precise
prediction that rounds to it (`4.1667`, `25/6`). Nothing else gets a tolerance: `10000` != `10001`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

MAX_DIGITS = 400  # longer digit strings are not numbers we compare exactly (and are not worth the time)


@dataclass(frozen=True)
class Num:
    value: Fraction
    decimals: int | None = None  # digits after the point when written as a decimal, else None (exact form)
    sig: int = 0  # significant digits when written as a decimal


_INT = r"\d{1,400}"
_SEP_INT = r"\d{1,3}(?:(?:,|\{,\}| )\d{3})+"  # 7,425,000 / 1{,}000 / 1 000
_DEC = rf"(?:{_SEP_INT}|{_INT})(?:\.\d{{0,400}})?|\.\d{{1,400}}"
_DECIMAL = re.compile(rf"^([-+−]?)\s*({_DEC})(?:\s*(?:e|E)\s*([-+]?\d{{1,4}}))?$")
_SCI = re.compile(rf"^([-+−]?)\s*({_DEC})\s*(?:\*|×|x)\s*10\s*\^\s*\{{?\s*([-+]?\d{{1,4}})\s*\}}?$")
_POW10 = re.compile(r"^([-+−]?)10\s*\^\s*\{?\s*([-+]?\d{1,4})\s*\}?$")
_FRAC = re.compile(
    r"^([-+−]?)\s*\\frac\s*(?:\{\s*([-+−]?\s*[\d.]+)\s*\}|(\d))\s*(?:\{\s*([-+−]?\s*[\d.]+)\s*\}|(\d))$"
)
_SLASH = re.compile(r"^([-+−]?)\s*\(?\s*([-+−]?\d+(?:\.\d+)?)\s*\)?\s*/\s*\(?\s*([-+−]?\d+(?:\.\d+)?)\s*\)?$")
_MIXED = re.compile(
    r"^([-+−]?)\s*(\d+)\s*(?:\\frac\s*(?:\{\s*(\d+)\s*\}|(\d))\s*(?:\{\s*(\d+)\s*\}|(\d))|\s(\d+)\s*/\s*(\d+))$"
)
_REPEAT = re.compile(
    r"^([-+−]?)(\d*)\.(\d*)(?:\\overline\s*\{(\d{1,50})\}|\\overline\s*(\d)|\((\d{1,50})\)|\\dot\s*\{?(\d)\}?)$"
)
_ELLIPSIS = re.compile(r"^([-+−]?)(\d*)\.(\d{2,60})(?:\.\.\.|\\ldots|\\cdots|…|\\dots)$")

_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_SCALED = re.compile(rf"^([-+−]?)\s*({_DEC})\s*(hundred|thousand|million|billion|trillion)$", re.I)
_FRACTION_WORDS = {"half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fourth": 4,
                   "fourths": 4, "fifth": 5, "fifths": 5}  # fmt: skip


def _sign(s: str) -> int:
    return -1 if s in ("-", "−") else 1


def _decimal(body: str, exp: int = 0) -> Num:
    body = re.sub(r"[, ]|\{,\}", "", body)
    whole, _, frac = body.partition(".")
    digits = (whole + frac).lstrip("0") or "0"
    value = Fraction(int(whole or "0")) + (Fraction(int(frac), 10 ** len(frac)) if frac else 0)
    value *= Fraction(10) ** exp
    decimals = len(frac) - exp if frac or exp < 0 else None
    if decimals is not None and decimals <= 0:
        decimals = None  # 3.5e5 is an integer written exactly
    return Num(value, decimals, len(digits.rstrip("0")) if decimals is None else len(digits))


def _num_text(s: str) -> Fraction | None:
    s = s.replace(" ", "").replace("−", "-")
    try:
        return Fraction(s)
    except (ValueError, ZeroDivisionError):
        return None


def words_to_int(text: str) -> int | None:
    """ "twenty-five" -> 25, "one hundred and five" -> 105, "three thousand" -> 3000."""
    tokens = [t for t in re.split(r"[\s-]+", text.lower().strip()) if t and t != "and"]
    if not tokens or len(tokens) > 12:
        return None
    total, current, seen = 0, 0, False
    for tok in tokens:
        if tok in _WORDS:
            current += _WORDS[tok]
            seen = True
        elif tok in _SCALES and seen:
            scale = _SCALES[tok]
            if scale == 100:
                current *= 100
            else:
                total += current * scale
                current = 0
        else:
            return None
    return total + current if seen else None


def parse_number(text: str) -> Num | None:
    """A `Num` when `text` (already cleaned, units split off) is one real number, else None."""
    t = text.strip()
    if not t or len(t) > MAX_DIGITS + 40:
        return None
    if t.startswith("+"):
        t = t[1:].strip()
    m = _DECIMAL.match(t)
    if m:
        n = _decimal(m.group(2), int(m.group(3) or 0))
        return Num(_sign(m.group(1)) * n.value, n.decimals, n.sig)
    m = _SCI.match(t)
    if m:
        n = _decimal(m.group(2), int(m.group(3)))
        return Num(_sign(m.group(1)) * n.value, n.decimals, n.sig)
    m = _POW10.match(t)
    if m:
        return Num(_sign(m.group(1)) * Fraction(10) ** int(m.group(2)))
    m = _FRAC.match(t)
    if m:
        num, den = _num_text(m.group(2) or m.group(3)), _num_text(m.group(4) or m.group(5))
        if num is not None and den:
            return Num(_sign(m.group(1)) * num / den)
        return None
    m = _SLASH.match(t)
    if m:
        num, den = _num_text(m.group(2)), _num_text(m.group(3))
        if num is not None and den:
            return Num(_sign(m.group(1)) * num / den)
        return None
    m = _MIXED.match(t)
    if m:
        whole = int(m.group(2))
        num = int(m.group(3) or m.group(4) or m.group(7))
        den = int(m.group(5) or m.group(6) or m.group(8))
        if den and num < den:  # "2 3/2" is not how anyone writes a mixed number
            return Num(_sign(m.group(1)) * (whole + Fraction(num, den)))
        return None
    m = _SCALED.match(t)
    if m:  # "1 million", "2.5 billion": exact, as written
        n = _decimal(m.group(2))
        return Num(_sign(m.group(1)) * n.value * _SCALES[m.group(3).lower()])
    m = _REPEAT.match(t)
    if m:
        period = next(g for g in m.groups()[3:] if g)
        return Num(_sign(m.group(1)) * _repeating(m.group(2), m.group(3), period))
    m = _ELLIPSIS.match(t)
    if m:
        value = _ellipsis(m.group(2), m.group(3))
        return Num(_sign(m.group(1)) * value) if value is not None else None
    return _words(t)


def _repeating(whole: str, pre: str, period: str) -> Fraction:
    base = Fraction(int(whole or "0")) + (Fraction(int(pre), 10 ** len(pre)) if pre else 0)
    return base + Fraction(int(period), (10 ** len(period) - 1) * 10 ** len(pre))


def _ellipsis(whole: str, frac: str) -> Fraction | None:
    """`0.333...` -> 1/3, `0.142857142857...` -> 1/7: the shortest period seen at least twice at the end."""
    for size in range(1, len(frac) // 2 + 1):
        period = frac[-size:]
        reps = 0
        i = len(frac)
        while i - size >= 0 and frac[i - size : i] == period:
            reps += 1
            i -= size
        if reps >= 2 and (reps * size >= 3 or size == 1):
            return _repeating(whole, frac[:i], period)
    return None


def _words(t: str) -> Num | None:
    low = t.lower()
    if not re.fullmatch(r"[a-z \-]{3,80}", low):
        return None
    m = re.fullmatch(r"(?:(a|one|[a-z\- ]+?)[\s-]+)?(half|halves|thirds?|quarters?|fourths?|fifths?)", low)
    if m:
        count = 1 if m.group(1) in (None, "a", "one") else words_to_int(m.group(1))
        return Num(Fraction(count, _FRACTION_WORDS[m.group(2)])) if count else None
    value = words_to_int(low)
    if value is None:
        neg = re.fullmatch(r"(?:minus|negative)\s+(.+)", low)
        if neg and (inner := words_to_int(neg.group(1))) is not None:
            return Num(Fraction(-inner))
        return None
    return Num(Fraction(value))


def _pow10(n: int) -> Fraction:
    return Fraction(10) ** n


def _terminates_within(value: Fraction, decimals: int) -> bool:
    return (value * _pow10(decimals)).denominator == 1


def numbers_equal(gold: Num, pred: Num) -> bool:
    """Equality under the precision rules in the module docstring."""
    if gold.value == pred.value:
        return True
    diff = abs(gold.value - pred.value)
    scale = max(abs(gold.value), abs(pred.value))
    for a, b in ((pred, gold), (gold, pred)):  # either side may be the float output
        if a.decimals is not None and a.sig >= 8 and diff <= scale * Fraction(1, 10**7):
            return True  # float or solver noise: 4.0000001, 3.9999999, 0.30000000000000004
        # a precise rounding of a value that has no exact short decimal form
        precise_rounding = (
            a.decimals is not None and a.sig >= 6 and not _terminates_within(b.value, a.decimals)
        )
        if precise_rounding and diff <= Fraction(1, 2) * Fraction(1, 10 ** (a.decimals or 0)):
            return True
    # a rounded gold (>= 2 decimals) and a more precise prediction
    if gold.decimals is not None and gold.decimals >= 2:
        more_precise = (
            pred.decimals >= gold.decimals + 2
            if pred.decimals is not None
            else not _terminates_within(pred.value, gold.decimals)
        )
        if more_precise and diff <= Fraction(1, 2) / _pow10(gold.decimals):
            return True
    return False
