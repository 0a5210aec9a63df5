"""Pure-string clean-up of an answer before it is compared: wrappers, spacing, units, currency, percent.

Everything here is linear-time regex work (no sympy), so it is safe on adversarial input."""

from __future__ import annotations

import re
from dataclasses import dataclass

from mammoth_math.common.latex import matching_brace

MAX_ANSWER_CHARS = 2000  # longer "answers" are never compared symbolically (see equivalence.py)

_WRAPPERS = (
    "boxed",
    "fbox",
    "text",
    "textbf",
    "mathrm",
    "mathbf",
    "mbox",
    "textrm",
    "mathit",
    "operatorname",
)
_DROP = [
    (re.compile(r"\\(?:displaystyle|textstyle|scriptstyle|limits|nolimits)\b"), ""),
    (re.compile(r"\\m?(?:left|right)(?![a-zA-Z])\s*\.?"), ""),  # \left( -> (, \right. -> "", \left\{ -> \{
    (re.compile(r"\s*\\!\s*"), ""),  # 1,\!000 and 11,\! 111: a thousands separator (spacing around it too)
    (re.compile(r"(?<!\\)\\[,;:> ]|\\quad|\\qquad"), " "),  # not "~": MMLU logic writes ~A
    (re.compile(r"\\(?:d|t)frac"), r"\\frac"),
    # (?![a-zA-Z]), not \b: "\ge2" and "\leq5" are relations too
    (re.compile(r"\\(?:le|leq|leqq|leqslant)(?![a-zA-Z])|≤|⩽"), "<="),
    (re.compile(r"\\(?:ge|geq|geqq|geqslant)(?![a-zA-Z])|≥|⩾"), ">="),
    (re.compile(r"\\langle\b|⟨"), "("),  # vectors <2, -1>
    (re.compile(r"\\rangle\b|⟩"), ")"),
    (re.compile(r"\\varnothing\b|∅|^\\\{\s*\\\}$"), r"\\emptyset"),
    # single-token arguments: \frac12, \frac1{2x}, \frac{1}2, \sqrt2, √3 (latex2sympy rejects some)
    (re.compile(r"\\frac\s*(\d)\s*(\d)"), r"\\frac{\1}{\2}"),
    (re.compile(r"\\frac\s*(\d)\s*\{"), r"\\frac{\1}{"),
    (re.compile(r"\\frac\s*(\{[^{}]*\})\s*(\d)"), r"\\frac\1{\2}"),
    (re.compile(r"√\s*(\d+)"), r"\\sqrt{\1}"),
    (re.compile(r"(?:\\sqrt|√)\s*(\d|[a-zA-Z](?![a-zA-Z]))"), r"\\sqrt{\1}"),
    (re.compile(r"√"), r"\\sqrt"),
    (re.compile(r"\\neq?(?![a-zA-Z])|≠"), "!="),
    (re.compile(r"\\colon(?![a-zA-Z])"), ":"),
    (re.compile(r"\\lt(?![a-zA-Z])"), "<"),
    (re.compile(r"\\gt(?![a-zA-Z])"), ">"),
    (re.compile(r"\\cdot\b|\\times\b"), "*"),
    (re.compile(r"\^\s*\{\s*\\circ\s*\}|\^\s*\\circ\b|°|\\degree\b"), "°"),
]
_SPECIAL = re.compile(r"[°≤≥⩽⩾≠⟨⟩∅√]")
_SPACES = re.compile(r"\s+")
_LEADING = re.compile(
    r"^(?:the\s+)?(?:final\s+)?(?:answer|result|solution|value)\s*(?:is|:|=)\s*|^(?:therefore|thus|so|hence)\s*,?\s*",
    re.I,
)


def unwrap_commands(text: str) -> str:
    """`\\text{abc}` -> `abc` for the wrapper commands above (nested braces respected)."""
    pattern = re.compile(r"\\(" + "|".join(_WRAPPERS) + r")\s*\{")
    for _ in range(50):  # bounded: each pass removes one wrapper
        m = pattern.search(text)
        if not m:
            break
        end = matching_brace(text, m.end() - 1)
        if end is None:  # unbalanced: drop just the command name
            text = text[: m.start()] + text[m.end() - 1 :]
            continue
        text = text[: m.start()] + text[m.end() : end] + text[end + 1 :]
    return text


def clean(answer: str) -> str:
    """Canonical spelling of an answer: no $..$, wrappers, \\left/\\right, thin spaces, trailing dot."""
    text = answer.strip()
    text = text.replace("\\$", " USD ")  # an escaped dollar is currency, a bare one is math mode
    text = re.sub(r"^\$+|\$+$", "", text).strip()
    text = re.sub(r"^\\\[|\\\]$|^\\\(|\\\)$", "", text).strip()
    text = unwrap_commands(text)
    if "\\" in text or _SPECIAL.search(text):  # plain "1,234" needs none of the LaTeX rules
        for pattern, repl in _DROP:
            text = pattern.sub(repl, text)
    text = text.replace("$", " ").replace("\\%", "%")
    text = _SPACES.sub(" ", text).strip()
    for _ in range(3):
        new = _LEADING.sub("", text).strip()
        new = re.sub(r"(?<!\.\.)[.;:]$", "", new).strip()  # keep "0.333..." whole
        new = re.sub(r"^\*\*(.+)\*\*$|^\*(.+)\*$", lambda m: m.group(1) or m.group(2), new).strip()
        if new == text:
            break
        text = new
    return text


def squash(text: str) -> str:
    """Spacing-insensitive key for exact comparisons."""
    return text.replace(" ", "").replace("{", "").replace("}", "").lower()


# --- units, currency, percent ------------------------------------------------------------------

_CURRENCY = re.compile(r"^(?:\\\$|\$|US\$|USD|€|£|¥|Rs\.?|INR)\s*|\s*\b(?:dollars?|USD|euros?)$", re.I)
_UNIT = re.compile(
    r"^(?P<core>.*?(?:[\d})]|\\pi))(?P<sep>\s*)"
    r"(?P<unit>(?:(?:sq(?:uare)?|cubic)\s+)?[a-zA-Z]+(?:\s+[a-zA-Z]+)?(?:\s*\^\s*\{?[23]\}?|[²³])?"
    r"(?:\s*(?:/|per)\s*[a-zA-Z]+(?:\s*\^\s*\{?2\}?)?)?)$"
)
# unit words we strip; anything else after a number is kept (it may be a variable: "4t", "2x")
_UNIT_WORDS = {
    "cm", "m", "mm", "km", "in", "inch", "inches", "ft", "feet", "foot", "yd", "yard", "yards", "mi", "mile",
    "miles", "meter", "meters", "metre", "metres", "centimeter", "centimeters", "kilometer", "kilometers",
    "g", "kg", "mg", "gram", "grams", "kilogram", "kilograms", "lb", "lbs", "pound", "pounds", "oz", "ounce",
    "ounces", "ton", "tons", "l", "ml", "liter", "liters", "litre", "litres", "gallon", "gallons", "cup", "cups",
    "s", "sec", "second", "seconds", "min", "minute", "minutes", "h", "hr", "hrs", "hour", "hours", "day",
    "days", "week", "weeks", "month", "months", "year", "years", "mph", "kmph", "units", "unit",
    "square units", "sq units", "cubic units", "degrees", "degree", "deg", "radians", "rad", "percent",
    "dollars", "dollar", "cents", "cent", "people", "students", "apples", "items", "times", "ways", "points",
    "pages", "books", "marbles", "boxes", "cookies", "candies", "eggs", "cars", "feet per second",
}  # fmt: skip


_NOT_UNITS = {
    "and", "or", "sqrt", "exp", "log", "sin", "cos", "tan", "cot", "sec", "csc", "mod", "choose", "hundred",
    "thousand", "million", "billion", "trillion", "dozen", "infty", "pi", "i", "the", "for", "not",
}  # fmt: skip


@dataclass(frozen=True)
class Quantity:
    core: str
    unit: str | None  # canonical unit text, e.g. "cm^2", "$", "°", "%"


def _canon_unit(unit: str) -> str:
    u = unit.strip().lower()
    u = re.sub(r"\s*\^\s*\{?(\d)\}?", r"^\1", u).replace("²", "^2").replace("³", "^3")
    u = re.sub(r"^(?:sq(?:uare)?)\s+(\w+)$", r"\1^2", u)
    u = re.sub(r"^cubic\s+(\w+)$", r"\1^3", u)
    u = re.sub(r"(?<=[a-z]{3})s$", "", u)  # plurals: "meters" == "meter"; "cms" rare
    aliases = {"meter": "m", "metre": "m", "centimeter": "cm", "kilometer": "km", "inche": "in", "inch": "in",
               "foot": "ft", "feet": "ft", "yard": "yd", "mile": "mi", "gram": "g", "kilogram": "kg",
               "hour": "h", "hr": "h", "minute": "min", "second": "s", "sec": "s", "liter": "l", "litre": "l",
               "dollar": "$", "degree": "°", "deg": "°", "percent": "%", "unit": "", "units": ""}  # fmt: skip
    if u.startswith("unit"):  # "square units" says nothing a bare number does not
        return ""
    return aliases.get(u, u)


def split_quantity(text: str) -> Quantity:
    """`"5 cm"` -> ("5", "cm"); `"\\$18"` -> ("18", "$"); `"50%"` -> ("50", "%"); `"30°"` -> ("30", "°")."""
    t = text.strip()
    m = _CURRENCY.search(t)
    if m and _CURRENCY.sub("", t).strip():
        return Quantity(_CURRENCY.sub("", t).strip(), "$")
    if t.endswith("%"):
        return Quantity(t[:-1].strip(), "%")
    if t.endswith("°") and not re.search(r"\\(?:sin|cos|tan|cot|sec|csc)", t):  # \sin 60° is a number
        return Quantity(t[:-1].strip(), "°")
    m = _UNIT.match(t)
    if m:
        unit = m.group("unit").strip()
        base = re.sub(r"\s*\^.*|[²³]$", "", unit).lower()
        base = re.sub(r"\s*(?:/|\bper\b)\s*.*$", "", base)
        base = re.sub(r"^(?:sq(?:uare)?|cubic)\s+", "", base)
        # a single letter after a number is ambiguous ("4t" is a term): it counts as a unit only when
        # spaced off ("5 m") and a unit word
        spaced = bool(m.group("sep"))
        if base in _UNIT_WORDS and (len(base) > 1 or spaced):
            return Quantity(m.group("core").strip(), _canon_unit(unit) or None)
        # any other noun after a number counts what is counted ("18 tickets"): words of 3+ letters,
        # never a math function or a number word ("5 hundred"), never "and"/"or" (lists)
        words = base.split()
        if words and all(len(w) >= 3 and w not in _NOT_UNITS for w in words) and "/" not in unit:
            return Quantity(m.group("core").strip(), _canon_unit(unit))
    return Quantity(t, None)
