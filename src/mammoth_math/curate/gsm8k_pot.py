"""Derive a Python program from a GSM8K solution's calculator annotations, deterministically.

Each `<<expr=result>>` becomes one assignment. The value gets a name taken from the words that follow
the annotation in the solution ("... = <<48/2=24>>24 clips in May" -> `clips`), so the program reads
like the solution; a later expression that uses a number an earlier step computed refers to that
step's name instead of the literal, which is what makes the program a computation rather than a list
of constants. The program prints the step whose result is the final answer.
"""

from __future__ import annotations

import itertools
import keyword
import re
from dataclasses import dataclass
from fractions import Fraction

from mammoth_math.curate import gsm8k_text_math as text_math

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
    value: Fraction | None  # the result the solution wrote
    computed: Fraction | None = None  # the value the expression computes


def _to_python(expr: str) -> str:
    """Calculator syntax -> Python: `x`/`×` for times, `÷`, `^`, `%` as "/100", thousands separators."""
    e = expr.strip().replace("×", "*").replace("÷", "/").replace("^", "**").replace("$", "")
    e = re.sub(r"\s+", " ", e.replace("−", "-").replace("–", "-"))
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


def _literal(text: str) -> bool:
    return re.fullmatch(r"\s*\(?\s*\$?(?:\d[\d,]*(?:\.\d+)?|\.\d+)\s*%?\s*\)?\s*", text) is not None


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
# a number, optionally with up to two unit words ("46 bags", "5 km/hour", "7kg"); a lone x is an operator
_UNIT = (
    r"(?:(?:(?<=\d)(?![xX]\b)[A-Za-z]+\b|(?<=\d)/[A-Za-z]{2,}\b|\s*\b(?!x\b)[A-Za-z]{2,}\b)(?:/[A-Za-z]+\b)?)"
)
_TERM = rf"\(*\s*\$?(?:\d[\d,]*(?:\.\d+)?|\.\d+)%?{_UNIT}{{0,2}}\s*\)*"
_PLAIN = re.compile(
    rf"(?<![\w.])({_TERM}(?:\s*[-+*/x×÷−–]\s*{_TERM})+)\s*=\s*\$?\s*(\d[\d,]*(?:\.\d+)?|\.\d+)(?:\.{{2,3}})?(%?)(?![\d<])"
)
_BEFORE = re.compile(rf"(?<![\w.])({_TERM}(?:\s*[-+*/x×÷−–]\s*{_TERM})+)\s*=\s*\$?\s*$")
_UNIT_WORDS = re.compile(
    r"(?<=\d)(?![xX]\b)[A-Za-z]+(?:/[A-Za-z]+)?|(?<=\d)/[A-Za-z]{2,}|(?!x\b)\b[A-Za-z]{2,}(?:/[A-Za-z]+)?"
)


@dataclass(frozen=True)
class _Eq:
    pos: int
    kind: str  # "calc" (annotation), "plain" (text arithmetic), "algebra" (text, may have unknowns)
    sides: list[str]
    after: str  # the text after the equation, where the step's name comes from


def _equations(body: str, letters: set[str]) -> list[_Eq]:
    """Annotations, plain-text equations and algebra written in the text, in order."""
    found: list[_Eq] = []
    masked = list(body)
    for m in _ANNOTATION.finditer(body):
        inner = m.group(1)
        tail = re.match(r"\s*[$]?[\d,.]*\s*%?", body[m.end() :])
        end = m.end() + (tail.end() if tail else 0)
        lhs, rhs = inner.rsplit("=", 1) if "=" in inner else ("", "")
        lhs = lhs.split("=")[0]
        # a bare "<<24=24>>24" computes nothing: its visible number stays for the text equations
        hide = m.end() if _literal(lhs) else end
        masked[m.start() : hide] = re.sub(r"[^\n]", " ", body[m.start() : hide])
        if "=" in inner:
            if _literal(lhs):  # "1.5 / .25 = <<6=6>>6": the computation is the text before
                line = text_math.spell_operators(body[: m.start()].rsplit("\n", 1)[-1])
                before = _BEFORE.search(line)
                lhs = _UNIT_WORDS.sub(" ", before.group(1)) if before else lhs
            found.append(_Eq(m.start(), "calc", [lhs, rhs], body[end:]))
    text = text_math.spell_operators("".join(masked))
    for m in _PLAIN.finditer(text):
        lhs = _UNIT_WORDS.sub(" ", m.group(1))
        found.append(_Eq(m.start(), "plain", [lhs, m.group(2) + m.group(3)], body[m.end() :]))
    for start, end, lhs, result in text_math.conversions(text):
        found.append(_Eq(start, "plain", [lhs, result], body[end:]))
    for start, end, sides in text_math.equations(text, letters):
        found.append(_Eq(start, "algebra", sides, body[end:]))
    return sorted(found, key=lambda f: f.pos)


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


def _calc_step(eq: _Eq) -> tuple[str, Fraction | None, Fraction | None] | None:
    """(expression, written result, computed value) of an annotation or a plain-text equation."""
    lhs, rhs = eq.sides
    result = _number(rhs)
    readings = [lhs, lhs.replace("%", "")]
    if re.search(r"\d,(?!\d{3}\b)\d", lhs):  # "16,0000/10" (a typo of 160,000), "45 * 0,2" (decimal comma)
        readings += [lhs.replace(",", ""), re.sub(r"(?<=\d),(?=\d)", ".", lhs)]
    if re.search(r"/\s*\d+\s*/\s*\d", lhs):  # "$2000 / 2/3": divided by the fraction 2/3
        readings.append(re.sub(r"/\s*(\d+\s*/\s*\d+(?:\.\d+)?)", r"/ (\1)", lhs))
    candidates = [_balance(_to_python(r)) for r in readings]
    candidates = [c for c in candidates if c and re.fullmatch(r"[\d\s.+\-*/()]+", c)]
    if not candidates:
        if eq.kind == "calc":
            raise DeriveError("unparsable_annotation", lhs)
        return None
    # Annotations are sometimes sloppy ("100%-40%=60%" means 60, not 0.6): keep the reading whose value
    # is the written result ("80% * 80% = 64%": the value in percent); a step whose value matches no
    # reading keeps its literal result so that later steps still see the number the solution used.
    for c in candidates:
        if _close(_evaluate(c), result):
            return c, result, _evaluate(c)
    if rhs.strip().endswith("%") and result is not None:
        for c in candidates:
            if _close(_evaluate(c), result / 100):
                return f"({c}) * 100", result, _evaluate(c) * 100  # type: ignore[operator]
    if result is None or eq.kind != "calc":  # a text equation we misread is not evidence
        return None
    return rhs.strip().replace(",", "").rstrip("%"), result, result


def _algebra_step(
    eq: _Eq, letters: set[str], env: dict[str, Fraction]
) -> tuple[str | None, str, Fraction] | None:
    """(unknown defined or None, expression, value) for an algebra chain; None if it is unusable."""
    pys = [text_math.to_python(side, letters) for side in eq.sides]
    if any(p is None or (not re.search(r"\d", p) and len(p) > 1) for p in pys):
        return None
    sides: list[str] = [_balance(p) for p in pys if p is not None]
    free = set().union(*(text_math.free_letters(p, letters) for p in sides)) - set(env)
    if not free:  # a computation (possibly with solved unknowns): the first side, checked against a number
        last = sides[-1]  # "14 / 1 / 4 = 14 * 4 = 56": the first side that gives the written result
        if re.fullmatch(r"[\d.]+(?:/100)?", last):
            for side in sides[:-1]:
                value = text_math.value_of(side, env)
                if _close(value, text_math.value_of(last, env)):
                    return None, side, value  # type: ignore[return-value]
        return None
    if len(free) != 1:
        return None
    (var,) = free
    for a, b in itertools.pairwise(sides):
        if var not in text_math.free_letters(a + " " + b, letters):
            continue
        if {a, b} & {var} and re.fullmatch(r"[\d.]+(?:/100)?", b if a == var else a):
            continue  # "x = 26" states the value, it does not compute it
        root = text_math.linear_root(a, b, var, env)
        if root is not None:
            return var, f"solve(lambda {var}: {a} - ({b}))", root
    return None


def derive_steps(solution: str) -> list[Step]:
    body = solution.rsplit("####", 1)[0]
    letters = text_math.unknowns(body)
    used: set[str] = set(letters)
    known: list[tuple[Fraction, str]] = []
    env: dict[str, Fraction] = {}  # solved unknowns (the program names them by their letter)
    steps: list[Step] = []
    seen: set[str] = set()
    for eq in _equations(body, letters):
        if eq.kind == "algebra":
            found = _algebra_step(eq, letters, env)
            if found is None:
                continue
            var, py, value = found
            if py in env:  # "x = 26" once x is solved restates it
                continue
            result, computed = value, value
        else:
            calc = _calc_step(eq)
            if calc is None:
                continue
            var = None
            py, result, computed = calc
        key = re.sub(r"\s", "", py)
        if key in seen:  # the same computation written twice ("33 * 16 = <<33*16=528>>")
            continue
        seen.add(key)
        name = var or _name_after(eq.after, used)
        steps.append(Step(name, _substitute(py, known), result, computed))
        if var is not None:
            env[var] = value
        if result is not None:
            known.append((result, name))
    return steps


def _final(steps: list[Step], target: Fraction | None) -> tuple[Step, str] | None:
    """The step giving the answer and how: itself, in percent/cents (x 100), or rounded to a whole."""
    if target is None:
        return None
    # only a step that computes counts: "<<24=24>>" alone (or a name for it) would print a constant
    by_name = {s.name: s for s in steps}

    def computes(s: Step) -> bool:
        while s.expr in by_name and by_name[s.expr] is not s:
            s = by_name[s.expr]
        return not _literal(s.expr)

    steps = [s for s in steps if computes(s)]
    for s in reversed(steps):
        if s.value == target:
            return s, s.name
    for s in reversed(steps):
        c = s.computed
        if c is None or c.denominator == 1:
            continue
        if c * 100 == target:  # 0.25 dollars -> 25 cents, .8 -> 80 %
            return s, f"{s.name} * 100"
        if target.denominator == 1 and abs(c - target) < 1:  # "15.36 minutes, which rounds down to 15"
            for how in ("round", "math.floor", "math.ceil"):
                if (
                    round(c) if how == "round" else (c.__floor__() if how == "math.floor" else c.__ceil__())
                ) == target:
                    return s, f"{how}({s.name})"
        if target.denominator == 1 and abs(c * 100 - target) < 1 and round(c * 100) == target:
            return s, f"round({s.name} * 100)"
    return None


def derive_program(solution: str, gold: str) -> str:
    """The Python program for one GSM8K solution, printing the value equal to `gold`.

    Raises DeriveError("no_annotations" | "unparsable_annotation" | "answer_not_computed").
    """
    steps = derive_steps(solution)
    if not steps:
        raise DeriveError("no_annotations")
    found = _final(steps, _number(gold))
    if found is None:
        raise DeriveError("answer_not_computed", f"no step computes {gold}")
    final, answer = found
    keep = steps[: steps.index(final) + 1]
    lines = ["import math"] if "math." in answer else []
    if any(s.expr.startswith("solve(") for s in keep):
        lines.append(text_math.SOLVE_HELPER)
    lines += [f"{s.name} = {s.expr}" for s in keep]
    lines.append(f"answer = {answer}")
    # an integral answer prints as 72, not 72.0, like the gold (division always gives a float)
    lines.append("print(int(round(answer)) if abs(answer - round(answer)) < 1e-9 else round(answer, 6))")
    return "\n".join(lines)
