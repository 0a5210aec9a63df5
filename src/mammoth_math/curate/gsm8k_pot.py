"""Derive a Python program from a GSM8K solution's calculator annotations, deterministically.

Each `<<expr=result>>` becomes one assignment. The value gets a name taken from the words that follow
the annotation in the solution ("... = <<48/2=24>>24 clips in May" -> `clips`), so the program reads
like the solution; a later expression that uses a number an earlier step computed refers to that
step's name instead of the literal, which is what makes the program a computation rather than a list
of constants. The program prints the step whose result is the final answer.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass
from fractions import Fraction

_ANNOTATION = re.compile(r"<<([^<>]*)>>")
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?|\.\d+")
_WORD = re.compile(r"[A-Za-z][A-Za-z']*")
# words that say nothing about what a value is; the name is taken from the first word not listed
_STOP = {
    "a", "an", "the", "of", "and", "or", "in", "on", "for", "to", "per", "each", "is", "are", "was",
    "were", "so", "that", "this", "it", "he", "she", "they", "we", "you", "his", "her", "their",
    "more", "less", "left", "total", "altogether", "at", "by", "from", "with", "as", "than",
    "which", "then", "will", "would", "can", "has", "have", "had", "be", "x", "s", "t", "dollars",
    "if", "there", "all", "after", "now", "every", "into", "times", "does", "do", "did",
}  # fmt: skip


class DeriveError(ValueError):
    """Why no program could be derived (the reason is a short category used in reports)."""

    def __init__(self, category: str, detail: str = "") -> None:
        self.category = category
        super().__init__(f"{category}: {detail}" if detail else category)


@dataclass(frozen=True)
class Step:
    name: str
    expr: str  # Python expression, earlier values by name
    value: Fraction | None  # the annotated result


def _to_python(expr: str) -> str:
    """Calculator syntax -> Python: `x`/`×` for times, `÷`, `^`, `%` as "/100", thousands separators."""
    e = expr.strip().replace("×", "*").replace("÷", "/").replace("^", "**").replace("$", "")
    e = e.replace("−", "-").replace("–", "-")
    e = re.sub(r"(?<=\d),(?=\d{3}\b)", "", e)  # 1,000 -> 1000
    e = re.sub(r"(?<=[\d)\s])[xX](?=[\s\d(.])", "*", e)  # 3 x 4 -> 3 * 4
    e = re.sub(r"(\d+(?:\.\d+)?)\s*%", r"(\1/100)", e)  # 20% -> (20/100)
    e = re.sub(r"(?<=\d)\s*\(", "*(", e)  # 2(3+4) -> 2*(3+4)
    e = re.sub(r"\)\s*(?=[\d(])", ")*", e)  # (3+4)2 -> (3+4)*2
    e = re.sub(r"(?<![\d.])0+(?=\d)", "", e)  # 05 -> 5 (a leading zero is a syntax error in Python 3)
    return e


def _number(text: str) -> Fraction | None:
    t = text.strip().replace(",", "").replace("$", "").rstrip("%")
    try:
        return Fraction(t)
    except (ValueError, ZeroDivisionError):
        return None


def _name_after(text: str, used: set[str]) -> str:
    """A variable name from the words right after an annotation's visible result."""
    base = "value"
    for word in _WORD.findall(text[:60]):
        w = word.lower().replace("'", "")
        if w in _STOP or len(w) < 3:
            continue
        base = w
        break
    if keyword.iskeyword(base) or base in {"print", "round", "int", "float", "answer"}:
        base += "_"
    name, i = base, 2
    while name in used:
        name, i = f"{base}_{i}", i + 1
    used.add(name)
    return name


def _substitute(expr: str, known: list[tuple[Fraction, str]]) -> str:
    """Replace literals equal to an earlier step's result by that step's name (latest step wins)."""

    def repl(m: re.Match[str]) -> str:
        value = _number(m.group(0))
        if value is None:
            return m.group(0)
        for v, name in reversed(known):
            if v == value:
                return name
        return m.group(0)

    return _NUMBER.sub(repl, expr)


# an equation written in the text without an annotation ("Sam memorized 4+6=10 digits")
# a number, optionally with up to two unit words ("46 bags", "5 km/hour"); a lone x is an operator
_UNIT = r"(?:\s*\b(?!x\b)[A-Za-z]{2,}\b(?:/[A-Za-z]+\b)?)"
_TERM = rf"\(*\s*\$?(?:\d[\d,]*(?:\.\d+)?|\.\d+)%?{_UNIT}{{0,2}}\s*\)*"
_PLAIN = re.compile(
    rf"(?<![\w.])({_TERM}(?:\s*[-+*/x×÷−–]\s*{_TERM})+)\s*=\s*\$?\s*(\d[\d,]*(?:\.\d+)?|\.\d+)(?![\d<])"
)


def _equations(body: str) -> list[tuple[int, str, str, str, bool]]:
    """(position, computation, result, text after, annotated?) for annotations and plain-text
    equations, in order."""
    found: list[tuple[int, str, str, str, bool]] = []
    masked = list(body)
    for m in _ANNOTATION.finditer(body):
        inner = m.group(1)
        tail = re.match(r"\s*[$]?[\d,.]*\s*%?", body[m.end() :])
        end = m.end() + (tail.end() if tail else 0)
        masked[m.start() : end] = " " * (end - m.start())
        if "=" in inner:
            lhs, rhs = inner.rsplit("=", 1)
            found.append((m.start(), lhs.split("=")[0], rhs, body[end:], True))
    text = "".join(masked)
    for m in _PLAIN.finditer(text):
        lhs = re.sub(r"(?!x\b)[A-Za-z]{2,}(?:/[A-Za-z]+)?", " ", m.group(1))
        found.append((m.start(), lhs, m.group(2), body[m.end() :], False))
    return sorted(found, key=lambda f: f[0])


def _balance(expr: str) -> str:
    """Drop parentheses that close nothing or never close (typos in the annotations)."""
    out: list[str] = []
    opened: list[int] = []
    for ch in expr:
        if ch == ")" and not opened:
            continue
        if ch == "(":
            opened.append(len(out))
        elif ch == ")":
            opened.pop()
        out.append(ch)
    for i in reversed(opened):
        del out[i]
    return "".join(out)


def _evaluate(py: str) -> Fraction | None:
    """Exact value of a literal-only arithmetic expression (checked to hold digits/operators only)."""
    try:
        value = eval(py.replace("**", "^^").replace("^^", "**"), {"__builtins__": {}}, {})
        return Fraction(value).limit_denominator(10**9)
    except Exception:  # syntax error, division by zero, overflow: the step is unusable
        return None


def _close(a: Fraction | None, b: Fraction | None) -> bool:
    if a is None or b is None:
        return False
    return abs(a - b) <= max(Fraction(1, 100), abs(b) * Fraction(1, 10**4))


def derive_steps(solution: str) -> list[Step]:
    body = solution.rsplit("####", 1)[0]
    used: set[str] = set()
    known: list[tuple[Fraction, str]] = []
    steps: list[Step] = []
    seen: set[str] = set()
    for _, lhs, rhs, after, annotated in _equations(body):
        result = _number(rhs)
        candidates = [_balance(_to_python(lhs)), _balance(_to_python(lhs.replace("%", "")))]
        candidates = [c for c in candidates if c and re.fullmatch(r"[\d\s.+\-*/()]+", c)]
        if not candidates:
            raise DeriveError("unparsable_annotation", lhs)
        # Annotations are sometimes sloppy ("100%-40%=60%" means 60, not 0.6): keep the reading whose
        # value is the written result; a step whose value matches no reading keeps its literal result
        # so that later steps still see the number the solution used.
        py = next((c for c in candidates if _close(_evaluate(c), result)), None)
        if py is None:
            if result is None or not annotated:  # a text equation we misread is not evidence
                continue
            py = rhs.strip().replace(",", "")
        key = re.sub(r"\s", "", py)
        if key in seen:  # the same computation written twice ("33 * 16 = <<33*16=528>>")
            continue
        seen.add(key)
        name = _name_after(after, used)
        steps.append(Step(name, _substitute(py, known), result))
        if result is not None:
            known.append((result, name))
    return steps


def derive_program(solution: str, gold: str) -> str:
    """The Python program for one GSM8K solution, printing the value equal to `gold`.

    Raises DeriveError("no_annotations" | "unparsable_annotation" | "answer_not_computed").
    """
    steps = derive_steps(solution)
    if not steps:
        raise DeriveError("no_annotations")
    target = _number(gold)
    final = next((s for s in reversed(steps) if s.value is not None and s.value == target), None)
    if final is None:
        raise DeriveError("answer_not_computed", f"no annotated step equals {gold}")
    keep = steps[: steps.index(final) + 1]
    lines = [f"{s.name} = {s.expr}" for s in keep]
    lines.append(f"answer = {final.name}")
    # an integral answer prints as 72, not 72.0, like the gold (division always gives a float)
    lines.append("print(int(round(answer)) if abs(answer - round(answer)) < 1e-9 else round(answer, 6))")
    return "\n".join(lines)
