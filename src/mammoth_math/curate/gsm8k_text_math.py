"""Arithmetic and one-unknown algebra written in a GSM8K solution's text, without annotations.

Used by `gsm8k_pot` for the steps a solution writes out instead of annotating: "10 times 25 equals
250", "Buicks: 12+8(26)=220", and the algebra of "Let x be ... x+3+2x+12+8x=301 ... 11x=286". An
equation in one unknown becomes `x = solve(lambda x: lhs - (rhs))`; `solve` (emitted into the program)
returns the root of a linear function from its values at 0 and 1, so the program computes x from the
equation's numbers. Only equations checked to be linear and non-degenerate are solved, and an equation
that merely states the value ("x = 26") is never used to define the unknown.
"""

from __future__ import annotations

import re
from fractions import Fraction

SOLVE_HELPER = "def solve(f):  # the root of the linear function f\n    return -f(0) / (f(1) - f(0))"

# operator words, replaced by an operator padded to the same length so that positions stay valid
_WORDS = [
    (re.compile(r"\bdivided\s+by\b", re.I), "/"),
    (re.compile(r"\bmultiplied\s+by\b", re.I), "*"),
    (re.compile(r"(?<=\d )\btimes\b(?= *[\d$.(])", re.I), "*"),
    (re.compile(r"\bplus\b", re.I), "+"),
    (re.compile(r"\bminus\b", re.I), "-"),
    (re.compile(r"\bequals\b", re.I), "="),
]
_SPACED_THOUSANDS = re.compile(r"(?<![\d.,])\d{1,3}(?: \d{3})+(?![\d.,]| ?\d)")


def spell_operators(text: str) -> str:
    """ "10 times 25 equals 250" -> "10   *   25   =    250"; "1 000 000" -> "1000000  " (same length)."""
    for pattern, op in _WORDS:
        text = pattern.sub(lambda m, op=op: op.center(len(m.group(0))), text)
    return _SPACED_THOUSANDS.sub(lambda m: m.group(0).replace(" ", "").ljust(len(m.group(0))), text)


# the letters a solution introduces as unknowns ("Let x be", "Let's say Rhonda has m marbles", "call
# that Y", "where g is"); x and capitals other than A and I always count
_INTRO = re.compile(r"\b(?:let|say|call|assume|represents?|stand|where|if)\b[^.\n]{0,120}", re.I)


def unknowns(body: str) -> set[str]:
    letters = {"x"} | set("BCDEFGHJKLMNOPQRSTUVWXYZ")
    for m in _INTRO.finditer(body):
        letters.update(re.findall(r"(?<![A-Za-z'’])[A-Za-z](?![A-Za-z'’])", m.group(0)))
    return letters - {"a", "I"}


def equations(text: str, letters: set[str]) -> list[tuple[int, int, list[str]]]:
    """(start, end, sides) for each equation chain "a = b (= c ...)" of numbers and unknowns."""
    var = "".join(sorted(letters))
    side = (
        rf"(?:\d[\d,]*(?:\.\d+)?|\.\d+|(?<![A-Za-z'’])[{var}](?![A-Za-z'’])"
        r"|[-+*/×÷−–()$% \t])+"
    )
    found = []
    for m in re.finditer(rf"{side}(?:(?:=|>=|<=|≥|≤){side})+", text):
        sides = [s.strip() for s in re.split(r">=|<=|≥|≤|=", m.group(0))]
        if all(re.search(r"[\dA-Za-z]", s) for s in sides):
            found.append((m.start(), m.end(), sides))
    return found


_TOKEN = re.compile(r"\s*(\d[\d,]*(?:\.\d+)?|\.\d+|[A-Za-z]|\*\*|[-+*/()%$×÷−–])")


def to_python(side: str, letters: set[str]) -> str | None:
    """An algebra side as Python: implicit products made explicit, `x` between numbers is times."""
    tokens: list[str] = []
    pos = 0
    side = side.strip()
    while pos < len(side):
        m = _TOKEN.match(side, pos)
        if m is None:
            return None
        tokens.append(m.group(1))
        pos = m.end()
    out: list[str] = []
    for i, t in enumerate(tokens):
        prev = out[-1] if out else ""
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        if t in "xX" and (prev[:1].isdigit() or prev == ")") and nxt and (nxt[0].isdigit() or nxt[0] == "."):
            out.append("*")  # 3 x 4, 25x.4
            continue
        if t == "$":
            continue
        if t in {"×", "÷", "−", "–"}:
            t = {"×": "*", "÷": "/", "−": "-", "–": "-"}[t]
        if t == "%":
            out.append("/100")
            continue
        if t[:1].isdigit() or t[:1] == ".":
            if re.search(r",\d{1,2}$|,\d{4}", t):
                return None  # "16,0000", "0,2": a separator we cannot read
            t = t.replace(",", "")
            if prev[:1].isdigit() or prev[:1] == ".":
                return None  # two numbers in a row
        elif t.isalpha() and t not in letters:
            return None
        value_like = t[:1].isalnum() or t[:1] in ".("
        if value_like and (prev[:1].isalnum() or prev[:1] == "." or prev == ")"):
            out.append("*")  # 2x, 8(26), (x+1)2, x y
        out.append(t)
    return "".join(out) or None


def _exact(py: str, env: dict[str, Fraction]) -> Fraction | None:
    literal = re.sub(r"(?<![\w.])(\d+(?:\.\d+)?|\.\d+)", r'__F("\1")', py)
    try:
        value = eval(literal, {"__builtins__": {}, "__F": Fraction}, dict(env))
        return Fraction(value)
    except Exception:  # division by zero, syntax: not an equation we can use
        return None


def value_of(py: str, env: dict[str, Fraction]) -> Fraction | None:
    return _exact(py, env)


def linear_root(lhs: str, rhs: str, var: str, env: dict[str, Fraction]) -> Fraction | None:
    """The root of lhs - rhs = 0 in `var` when that difference is linear with a non-zero slope."""
    g = [_exact(f"({lhs}) - ({rhs})", {**env, var: Fraction(t)}) for t in (0, 1, 2, 7)]
    if any(v is None for v in g):
        return None
    slope = g[1] - g[0]  # type: ignore[operator]
    if slope == 0 or g[2] - g[1] != slope or g[3] - g[0] != 7 * slope:  # type: ignore[operator]
        return None
    return -g[0] / slope  # type: ignore[operator]


def free_letters(py: str, letters: set[str]) -> set[str]:
    return {t for t in re.findall(r"(?<![\w.])[A-Za-z](?![\w])", py) if t in letters}


# unit conversions written in words ("28 cups = 14 pints", "2.5 years = 30 months"): the factor is
# general knowledge, so the converted value is computed, not copied from the text
_FACTORS = {
    ("year", "month"): 12, ("year", "week"): 52, ("week", "day"): 7, ("day", "hour"): 24,
    ("hour", "minute"): 60, ("minute", "second"): 60, ("foot", "inch"): 12, ("yard", "foot"): 3,
    ("pound", "ounce"): 16, ("gallon", "quart"): 4, ("quart", "pint"): 2, ("pint", "cup"): 2,
    ("dollar", "cent"): 100, ("km", "m"): 1000, ("kg", "g"): 1000, ("liter", "ml"): 1000,
}  # fmt: skip
_ALIAS = {"feet": "foot", "inches": "inch", "hr": "hour", "hrs": "hour", "min": "minute",
          "mins": "minute", "litre": "liter", "l": "liter", "kilometer": "km", "meter": "m"}  # fmt: skip
_NUM = r"(\d[\d,]*(?:\.\d+)?|\.\d+)"
_CONVERSION = re.compile(
    rf"(?<![\w.]){_NUM}\s*([A-Za-z]+)\s*(?:=|\bis\b|\bwhich is\b|\bequals\b|\bor\b)\s*{_NUM}\s*([A-Za-z]+)\b"
)


def _unit(word: str) -> str:
    w = word.lower()
    w = _ALIAS.get(w, w)
    return _ALIAS.get(w[:-1], w[:-1]) if w.endswith("s") and w[:-1] + "s" == w and len(w) > 3 else w


def conversions(text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, expression, written result) for "A unit = B other-unit" with a known factor."""
    found = []
    for m in _CONVERSION.finditer(text):
        a, u, b, v = m.group(1), _unit(m.group(2)), m.group(3), _unit(m.group(4))
        if (u, v) in _FACTORS:
            found.append((m.start(), m.end(), f"{a} * {_FACTORS[u, v]}", b))
        elif (v, u) in _FACTORS:
            found.append((m.start(), m.end(), f"{a} / {_FACTORS[v, u]}", b))
    return found
