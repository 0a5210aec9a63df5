"""`equivalent(gold, pred)`: string and number fast paths in-process; sympy only in a bounded worker.

Order of checks (cheapest first): identical after clean-up -> rewrites (rewrite.py: intervals from
inequalities, set-builder notation, systems, \\pm branches, and/or lists) -> a label on one side only
(`(p,q) = (3,2)` vs `(3,2)`, relations.py) -> units/currency/percent/bases -> numbers (exact rationals,
precision rules in numbers.py, decimal commas) -> relations as sets of reals (worker) -> ratios of 3+
terms -> shapes (tuples, intervals, sets, lists, matrices, unions) element by element -> `var = value` vs
`value` -> text -> sympy in the worker pool (numerics first; timeout -> undecided).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Sequence
from fractions import Fraction
from functools import lru_cache

from mammoth_math.api import AnswerType
from mammoth_math.grade.choice import choice_equal
from mammoth_math.grade.normalize import MAX_ANSWER_CHARS, clean, split_quantity, squash
from mammoth_math.grade.numbers import Num, numbers_equal, parse_number
from mammoth_math.grade.relations import has_relation, set_spec, strip_label, top_level_equals
from mammoth_math.grade.rewrite import canonical
from mammoth_math.grade.structure import Shape, shape_of, split_top
from mammoth_math.grade.worker import TIMEOUT, symbolic_call

EQUAL, MISMATCH, UNDECIDED = "equal", "mismatch", "undecided_timeout"
_UNDECIDED = [0]
_COUNT_LOCK = threading.Lock()
# "2,74": a decimal comma, only where it cannot be a thousands separator (not exactly 3 digits after it)
_DECIMAL_COMMA = re.compile(r"^([-+−]?\d+)(?:,|\{,\})(\d{1,2}|\d{4,})$")
_BASED = re.compile(r"^(\d[0-9A-Za-z]*)_\s*\{?\s*(\d{1,2})\s*\}?$")
_WORDY = re.compile(r"^[A-Za-z][A-Za-z .'\-]*$")
_MATHY_WORDS = re.compile(
    r"\b(?:sqrt|exp|log|ln|sin|cos|tan|cot|sec|csc|arcsin|arccos|arctan|asin|acos|atan|pi|frac|abs|factorial|"
    r"sinh|cosh|tanh|infty|mod|gcd|lcm|max|min|det)\b"
)


def to_answer_type(answer_type: AnswerType | str) -> AnswerType:
    try:
        return AnswerType(
            answer_type.value if isinstance(answer_type, AnswerType) else str(answer_type).lower()
        )
    except ValueError:
        raise ValueError(
            f"answer_type: expected one of {[t.value for t in AnswerType]}, got {answer_type!r}"
        ) from None


def judge_equal(
    gold: str,
    pred: str | None,
    answer_type: AnswerType | str = "latex",
    choices: Sequence[str] | None = None,
    timeout: float = 2.0,
) -> tuple[bool, str]:
    """(correct, reason): reason is "equal", "mismatch", "unit_mismatch", "no_answer" or "undecided_timeout"."""
    at = to_answer_type(answer_type)
    if pred is None or not str(pred).strip():
        return False, "no_answer"
    if at is AnswerType.CHOICE:
        ok = choice_equal(gold, str(pred), tuple(choices or ()), lambda a, b: _math(a, b, timeout) == EQUAL)
        return ok, EQUAL if ok else MISMATCH
    verdict = _cached(str(gold), str(pred), at, timeout)
    if verdict[1] == UNDECIDED:
        with _COUNT_LOCK:
            _UNDECIDED[0] += 1
    return verdict


def undecided_count() -> int:
    """Judgements in this process that sympy could not decide within their bound (counted incorrect).
    They should stay rare: constants and identities are decided numerically before simplify runs."""
    with _COUNT_LOCK:
        return _UNDECIDED[0]


@lru_cache(maxsize=65536)
def _cached(gold: str, pred: str, at: AnswerType, timeout: float) -> tuple[bool, str]:
    g, p = clean(gold), clean(pred)
    if not p:
        return False, "no_answer"
    if squash(g) == squash(p):
        return True, EQUAL
    if at is AnswerType.TEXT:
        return _text_equal(g, p), EQUAL if _text_equal(g, p) else MISMATCH
    verdict = _math(g, p, timeout)
    if verdict == MISMATCH and at is AnswerType.LATEX and _WORDY.match(g) and _WORDY.match(p):
        verdict = EQUAL if _text_equal(g, p) else MISMATCH
    return verdict == EQUAL, verdict


def _text_equal(g: str, p: str) -> bool:
    def key(s: str) -> str:
        s = re.sub(r"[^\w\s]", " ", s.lower())
        s = re.sub(r"^(?:the|a|an)\s+", "", s.strip())
        return re.sub(r"\s+", " ", s).strip()

    return key(g) == key(p)


def _math(g: str, p: str, timeout: float) -> str:
    """EQUAL / MISMATCH / UNDECIDED for two cleaned answers."""
    if len(g) > MAX_ANSWER_CHARS or len(p) > MAX_ANSWER_CHARS:
        return EQUAL if squash(g) == squash(p) else MISMATCH  # too long to be a final answer worth more
    g, p = canonical(g), canonical(p)
    if squash(g) == squash(p):
        return EQUAL
    labelled = _without_label(g, p)
    if labelled is not None:
        return _math(*labelled, timeout)
    gq, pq = split_quantity(g), split_quantity(p)
    if gq.unit and pq.unit and gq.unit != pq.unit and "%" not in (gq.unit, pq.unit):
        return "unit_mismatch"
    gn, pn = parse_number(gq.core), parse_number(pq.core)
    if (gn is None) != (pn is None):
        gn, pn = gn or _decimal_comma(gq.core), pn or _decimal_comma(pq.core)
    if gn is not None and pn is not None:
        return EQUAL if _percent_equal(gn, gq.unit, pn, pq.unit) else MISMATCH
    based = _based_equal(gq.core, pq.core)
    if based is not None:
        return EQUAL if based else MISMATCH
    if has_relation(g) or has_relation(p):
        return _relations(g, p, timeout)
    gr, pr = split_top(g, ":"), split_top(p, ":")
    if max(len(gr), len(pr)) > 2:  # 1:2:3 (sympy would read nested division: 1:2:3 "=" 1:3:2)
        return _ratio(gr, pr, timeout)
    return _shapes(gq.core, pq.core, timeout)


def _ratio(gr: list[str], pr: list[str], timeout: float) -> str:
    """Ratios of three or more terms: proportional when every term is a non-zero number (2:4:6 = 1:2:3),
    else term by term."""
    if len(gr) != len(pr):
        return MISMATCH
    gv, pv = _nonzero_values(gr), _nonzero_values(pr)
    if gv is not None and pv is not None:
        scale = pv[0] / gv[0]
        return EQUAL if all(b == a * scale for a, b in zip(gv, pv, strict=True)) else MISMATCH
    return _in_order(gr, pr, timeout)


def _nonzero_values(terms: list[str]) -> list[Fraction] | None:
    nums = [parse_number(t) for t in terms]
    values = [n.value for n in nums if n is not None and n.value != 0]
    return values if len(values) == len(terms) else None


def _without_label(g: str, p: str) -> tuple[str, str] | None:
    """`(p,q) = (3,2)` vs `(3,2)`: the side with a label loses it (relations.is_label says what a label
    is, so `x^2+y^2 = 25` keeps its left side); None when neither or both sides are labelled."""
    if "=" not in g and "=" not in p:
        return None  # the common case, without a character scan
    ge, pe = bool(top_level_equals(g)), bool(top_level_equals(p))
    if ge == pe:
        return None
    g2, p2 = (strip_label(g), p) if ge else (g, strip_label(p))
    return (g2, p2) if (g2, p2) != (g, p) else None


def _decimal_comma(text: str) -> Num | None:
    m = _DECIMAL_COMMA.match(text.strip())
    return parse_number(f"{m.group(1)}.{m.group(2)}") if m else None


def _relations(g: str, p: str, timeout: float) -> str:
    """A relation the rewrites could not turn into intervals (`-x > -1`, `1 <= |z| <= 3/2`) against a
    relation, an interval or a union: the same set of reals, decided in the worker."""
    gs, ps = set_spec(g), set_spec(p)
    if gs is None or ps is None:
        return MISMATCH
    result = symbolic_call("sets", json.dumps(gs), json.dumps(ps), timeout=timeout)
    if result is TIMEOUT:
        return UNDECIDED
    return EQUAL if result else MISMATCH


def _based_equal(g: str, p: str) -> bool | None:
    """`4210_{7}` vs `4210_7` / `4210` (digits with the base left implicit); None when neither has a base."""
    gm, pm = _BASED.match(g), _BASED.match(p)
    if gm is None and pm is None:
        return None
    gd, gb = (gm.group(1), gm.group(2)) if gm else (g, None)
    pd, pb = (pm.group(1), pm.group(2)) if pm else (p, None)
    if not re.fullmatch(r"[0-9A-Za-z]+", gd) or not re.fullmatch(r"[0-9A-Za-z]+", pd):
        return None
    return gd.lower() == pd.lower() and (gb is None or pb is None or int(gb) == int(pb))


def _percent_equal(g: Num, gu: str | None, p: Num, pu: str | None) -> bool:
    if numbers_equal(g, p):
        return True  # "50%" vs "50": the same number with and without its sign
    # a percent equals its fraction ("50%" = "0.5"); a bare number never equals 100x itself
    # ... but only where the bare number reads as a proportion: "40" is not "4000%"
    if pu == "%" and gu != "%" and _proportion(g):
        return numbers_equal(g, Num(p.value / 100, None if p.decimals is None else p.decimals + 2, p.sig))
    if gu == "%" and pu != "%" and _proportion(p):
        return numbers_equal(Num(g.value / 100, None if g.decimals is None else g.decimals + 2, g.sig), p)
    return False


def _proportion(n: Num) -> bool:
    return abs(n.value) <= 1 or n.value.denominator != 1


def _shapes(g: str, p: str, timeout: float) -> str:
    gs, ps = shape_of(g), shape_of(p)
    if gs.kind == "scalar" and ps.kind == "scalar":
        return _scalar(g, p, timeout)
    if gs.kind == "matrix" or ps.kind == "matrix":
        return _matrix(gs, ps, timeout)
    if gs.kind == "union" or ps.kind == "union":
        if gs.kind != ps.kind or len(gs.parts) != len(ps.parts):
            return MISMATCH
        return _unordered([_shape_text(s) for s in gs.parts], [_shape_text(s) for s in ps.parts], timeout)
    if gs.kind == "scalar" or ps.kind == "scalar":
        one = gs if gs.kind != "scalar" else ps
        if one.kind in ("set", "list") and len(one.items) == 1:  # "\{5\}" vs "5"
            return _scalar(
                g if gs.kind == "scalar" else gs.items[0], p if ps.kind == "scalar" else ps.items[0], timeout
            )
        g2, p2 = strip_label(g), strip_label(p)
        return _math(g2, p2, timeout) if (g2, p2) != (g, p) else MISMATCH
    if len(gs.items) != len(ps.items):
        return MISMATCH
    ordered = {"tuple", "interval"}
    if gs.kind == "interval" or ps.kind == "interval":
        if gs.brackets != ps.brackets:
            return MISMATCH  # [1,2) is not (1,2), and an interval is not a bare list
        return _in_order(gs.items, ps.items, timeout)
    if gs.kind in ordered and ps.kind in ordered | {"list"}:
        return _in_order(gs.items, ps.items, timeout)  # "(12, 3, 0)" accepts "12, 3, 0" in that order
    if gs.kind == "list" and ps.kind == "tuple" and all(strip_label(i) != i for i in gs.items):
        return _in_order(gs.items, ps.items, timeout)  # "x=1, y=2" is the ordered pair (1, 2), not {1, 2}
    if gs.kind in ("list", "set") and ps.kind in ("list", "set", "tuple"):
        return _unordered(list(gs.items), list(ps.items), timeout)
    return MISMATCH


def _shape_text(s: Shape) -> str:
    return s.brackets[:1] + ", ".join(s.items) + s.brackets[1:]


def _matrix(gs: Shape, ps: Shape, timeout: float) -> str:
    def cells(s: Shape) -> tuple[int, list[str]] | None:
        if s.kind == "matrix":
            widths = {len(r.items) for r in s.parts}
            if len(widths) != 1:
                return None
            return len(s.parts), [c for r in s.parts for c in r.items]
        if s.kind == "tuple" or (s.kind == "interval" and s.brackets == "[]"):
            return -1, list(s.items)  # a vector written (a, b, c) or [a, b]: a column (or row) vector
        return None

    a, b = cells(gs), cells(ps)
    if a is None or b is None or len(a[1]) != len(b[1]):
        return MISMATCH
    rows_g, rows_p = a[0], b[0]
    if -1 in (rows_g, rows_p):  # a tuple matches a single row or a single column only
        rows = rows_p if rows_g == -1 else rows_g
        if rows not in (-1, 1, len(a[1])):
            return MISMATCH
    elif rows_g != rows_p:
        return MISMATCH
    return _in_order(a[1], b[1], timeout)


def _in_order(gi: Sequence[str], pi: Sequence[str], timeout: float) -> str:
    worst = EQUAL
    for a, b in zip(gi, pi, strict=True):
        v = _scalar(a, b, timeout)
        if v == MISMATCH or v == "unit_mismatch":
            return MISMATCH
        if v == UNDECIDED:
            worst = UNDECIDED
    return worst


def _unordered(gi: list[str], pi: list[str], timeout: float) -> str:
    if len(gi) != len(pi):
        return MISMATCH
    left = list(pi)
    undecided = False
    for a in gi:
        for k, b in enumerate(left):
            v = _math(a, b, timeout)
            if v == EQUAL:
                del left[k]
                break
            undecided |= v == UNDECIDED
        else:
            return UNDECIDED if undecided else MISMATCH
    return EQUAL


def _has_words(text: str) -> bool:
    words = re.findall(r"(?<![\\a-zA-Z])[a-zA-Z]{3,}", text)
    return any(not _MATHY_WORDS.fullmatch(w) for w in words)


def _scalar(g: str, p: str, timeout: float) -> str:
    if squash(g) == squash(p):
        return EQUAL
    g2, p2 = (strip_label(g), strip_label(p)) if ("=" in g) != ("=" in p) else (g, p)
    if (g2, p2) != (g, p):
        return _math(g2, p2, timeout)
    gq, pq = split_quantity(g2), split_quantity(p2)
    if gq.unit and pq.unit and gq.unit != pq.unit:
        return "unit_mismatch"
    gn, pn = parse_number(gq.core), parse_number(pq.core)
    if gn is not None and pn is not None:
        return EQUAL if _percent_equal(gn, gq.unit, pn, pq.unit) else MISMATCH
    g2, p2 = gq.core, pq.core
    if _has_words(g2) or _has_words(p2):
        # prose is compared as text: sympy would read "12 over 11" as the product 12*o*v*e*r*11
        return EQUAL if _text_equal(g2, p2) else MISMATCH
    # one side a number: evaluate the other to a constant and apply the number rules
    if (gn is None) != (pn is None):
        value = symbolic_call("value", g2 if gn is None else p2, timeout=timeout)
        if value is TIMEOUT:
            return UNDECIDED
        if value is None:
            return MISMATCH
        exact = Num(Fraction(value))
        other = gn if gn is not None else pn
        assert other is not None
        if "/" not in value and abs(exact.value - other.value) <= abs(exact.value) * Fraction(1, 10**35):
            return EQUAL  # equal to 35 digits: the decimal is the exact value's own expansion
        if gn is None:
            return EQUAL if numbers_equal(exact, other) else MISMATCH
        return EQUAL if numbers_equal(other, exact) else MISMATCH
    result = symbolic_call("compare", g2, p2, timeout=timeout)
    if result is TIMEOUT:
        return UNDECIDED
    return EQUAL if result else MISMATCH
