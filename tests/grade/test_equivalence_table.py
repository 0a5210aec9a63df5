"""Labelled (gold, prediction, expected) tables by category; every failure named in issue 4 is a case."""

from __future__ import annotations

import pytest

from mammoth_math.grade import equivalent, judge_equal

NUMBERS = [
    ("18", "18", True),
    ("18", "18.0", True),
    ("18", "18.000000001", True),  # float noise (MAmmoTH's exact string match fails this)
    ("3", "300", False),  # Qwen's grader accepts 100x
    ("300", "3", False),
    ("10000", "10001", False),  # Qwen's 1e-4 relative tolerance accepts this
    ("-5", "-5", True),
    ("-5", "5", False),
    ("0", "-0", True),
    ("7", "+7", True),
    ("2", "3", False),
]
FRACTIONS = [
    ("\\frac{1}{2}", "0.5", True),
    ("\\frac{1}{2}", "1/2", True),
    ("\\frac12", "\\dfrac{1}{2}", True),
    ("\\frac{3}{4}", "\\frac{6}{8}", True),
    ("-\\frac{1}{2}", "\\frac{-1}{2}", True),
    ("\\frac{5}{2}", "2\\frac12", True),  # mixed number, not 2*1/2 (Qwen reads a product)
    ("\\frac{5}{2}", "2 1/2", True),
    ("1", "2\\frac12", False),
    ("1\\frac{1}{10}", "\\frac{11}{10}", True),
    ("\\frac{1}{3}", "0.33", False),  # a rounding is not the exact value
    ("\\frac{1}{3}", "0.333333", True),  # six significant digits, correctly rounded
    ("\\frac{2}{3}", "0.666667", True),
    ("\\frac{2}{3}", "0.666", False),
    ("\\frac{2}{3}", "0.6", False),
]
DECIMALS = [
    ("0.3", "0.30000000000000004", True),  # a program's float output
    ("4.17", "4.1667", True),  # NumGLUE gold rounded to 2 decimals
    ("4.17", "25/6", True),
    ("4.17", "4.2", False),
    ("4.17", "4.16", False),
    ("0.6666666667", "2/3", True),
    ("0.6666666667", "0.67", False),
    ("0.5", "0.54", False),
    ("2.5", "2.50", True),
    ("1.5", "1.55", False),
    ("73.5", "73.5", True),
    ("0.73", "0.730", True),
]
PERCENT = [
    ("50", "50%", True),
    ("50\\%", "50", True),
    ("0.5", "50%", True),
    ("50", "0.5", False),  # a bare number never equals 100x itself
    ("25\\%", "0.25", True),
    ("25\\%", "25 percent", True),
    ("12.5", "12.5\\%", True),
    ("12", "13%", False),
]
UNITS = [
    ("18", "\\$18", True),
    ("\\$18", "18 dollars", True),
    ("18", "$18.00", True),
    ("5 cm", "5 m", False),  # Math-Verify ignores units
    ("5\\text{ cm}", "5 cm", True),
    ("5", "5 cm", True),
    ("575\\text{ students}", "575", True),
    ("100\\text{ square units}", "100", True),
    ("6 kmph", "6", True),
    ("30^\\circ", "30", True),
    ("120^\\circ", "120°", True),
    ("\\$4,\\!000", "4000", True),
    ("4t", "4", False),
]
THOUSANDS = [
    ("7425000", "7,425,000", True),
    ("1000", "1 000", True),
    ("1000", "1{,}000", True),
    ("1,\\!000,\\!000,\\!000", "1000000000", True),
    ("6290000", "6,290,000", True),
    ("1000", "1,001", False),
]
SCIENTIFIC = [
    ("300000", "3e5", True),  # plain-text math Math-Verify fails on
    ("300000", "3 \\times 10^5", True),
    ("300000", "3\\cdot10^{5}", True),
    ("0.00003", "3e-05", True),
    ("300000", "3e4", False),
    ("1000", "10^3", True),
]
NUMBER_WORDS = [
    ("5", "five", True),
    ("25", "twenty-five", True),
    ("105", "one hundred and five", True),
    ("3000", "three thousand", True),
    ("5", "six", False),
    ("\\frac{1}{2}", "one half", True),
]
REPEATING = [
    ("\\frac{1}{3}", "0.\\overline{3}", True),
    ("\\frac{1}{3}", "0.(3)", True),
    ("\\frac{1}{3}", "0.333...", True),
    ("\\frac{1}{7}", "0.142857142857...", True),
    ("\\frac{1}{6}", "0.1\\overline{6}", True),
    ("\\frac{1}{3}", "0.\\overline{6}", False),
]
LATEX = [
    ("\\frac{1}{2004!}", "\\frac{1}{2006!}", False),  # Math-Verify accepts this
    ("\\frac{1}{2004!}", "1/2004!", True),
    ("e^{16}", "exp(16)", True),  # plain-text function call
    ("-20*x", "-20x", True),  # DeepMind Mathematics plain-text gold
    ("-20*x", "-20 x", True),
    ("-20*x", "20x", False),
    ("792*r", "792r", True),
    ("x^2+2x+1", "(x+1)^2", True),
    ("x^2+2x+1", "(x-1)^2", False),
    ("6+9i", "9i+6", True),
    ("\\frac{8t}{3}", "\\frac{8}{3}t", True),
    ("b - 1", "-1+b", True),
    ("2x^2+3x", "x(2x+3)", True),
]
SQRT_PI = [
    ("\\frac{\\sqrt{2}}{2}", "\\frac{1}{\\sqrt{2}}", True),
    ("\\frac{\\sqrt{2}}{2}", "0.7071067811865476", True),
    ("\\frac{\\sqrt{2}}{2}", "0.71", False),
    ("4\\sqrt{2}", "\\sqrt{32}", True),
    ("2\\sqrt{10}", "\\sqrt{40}", True),
    ("2\\sqrt{10}", "\\sqrt{20}", False),
    ("6\\pi+2", "2+6\\pi", True),
    ("525\\pi", "525 \\pi", True),
    ("2\\pi", "6.283185307179586", True),
    ("2\\pi", "6.28", False),
    ("\\frac{5\\sqrt{3}}{3}", "\\frac{5}{\\sqrt{3}}", True),
]
EQUATIONS = [
    ("5", "x=5", True),
    ("x = 4", "4", True),
    ("x=4", "x = 4", True),
    ("x=4", "y=5", False),
    ("y=2x+3", "2x-y+3=0", True),
    ("20x + 23y + 26z - 69 = 0", "-20x - 23y - 26z + 69 = 0", True),
    ("y=2x+3", "y=3x+2", False),
]
INTERVALS = [
    ("[1,2)", "[1, 2)", True),
    ("[1,2)", "(1,2)", False),  # Qwen ignores bracket types
    ("[-3,2]", "[-3,2)", False),
    ("(-\\infty, 0]", "(-\\infty,0]", True),
    ("(-\\infty, 0]", "(-inf, 0]", True),
    ("(-\\infty, 0]", "(-\\infty, 0)", False),
    ("(1,2)\\cup(3,4)", "(3,4) \\cup (1,2)", True),
    ("(1,2)\\cup(3,4)", "(1,2)\\cup[3,4]", False),
    ("\\left[ \\frac{\\pi^2}{8}, \\frac{5 \\pi^2}{4} \\right]", "[\\pi^2/8, 5\\pi^2/4]", True),
]
TUPLES = [
    ("(12, 3, 0)", "12, 3, 0", True),  # DeepMind ordered tuple
    ("(12, 3, 0)", "0, 3, 12", False),
    ("(12, 3, 0)", "(12,3,0)", True),
    ("(6,31,-1)", "(6, 31, -1)", True),
    ("(15,-29)", "(-29,15)", False),
    ("2, 3", "3, 2", True),  # DeepMind unordered list
    ("2, 3", "\\{2, 3\\}", True),
    ("2, 3", "2, 3, 5", False),
    ("2 + \\sqrt{6}, 2 - \\sqrt{6}", "2-\\sqrt6, 2+\\sqrt6", True),
    ("4, -2 + 3i, -2 - 3i", "-2 - 3i, 4, -2 + 3i", True),
    ("19, 22", "19, 23", False),
    ("\\{5\\}", "5", True),
]
MATRICES = [
    (
        "\\begin{pmatrix} -1 & 0 \\\\ 0 & -1 \\end{pmatrix}",
        "\\begin{pmatrix}-1&0\\\\0&-1\\end{pmatrix}",
        True,
    ),
    (
        "\\begin{pmatrix} -1 & 0 \\\\ 0 & -1 \\end{pmatrix}",
        "\\begin{bmatrix}-1&0\\\\0&1\\end{bmatrix}",
        False,
    ),
    (
        "\\begin{pmatrix} 6/5 \\\\ -17/5 \\end{pmatrix}",
        "\\begin{pmatrix} \\frac{6}{5} \\\\ -\\frac{17}{5} \\end{pmatrix}",
        True,
    ),
    ("\\begin{pmatrix} 6/5 \\\\ -17/5 \\end{pmatrix}", "(6/5, -17/5)", True),
    (
        "\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}",
        "\\begin{pmatrix} 1 & 3 \\\\ 2 & 4 \\end{pmatrix}",
        False,
    ),
]
TEXT = [
    ("\\text{Devon}", "Devon", True),
    ("\\text{Devon}", "devon", True),
    ("\\text{Devon}", "Evan", False),
    ("\\text{1:03 PM}", "1:03 PM", True),
    ("12 over 11", "11 over 12", False),
]


def _cases(*tables: list[tuple[str, str, bool]]) -> list[tuple[str, str, bool]]:
    return [c for t in tables for c in t]


@pytest.mark.parametrize(
    ("gold", "pred", "expected"),
    _cases(NUMBERS, FRACTIONS, DECIMALS, PERCENT, UNITS, THOUSANDS, SCIENTIFIC, NUMBER_WORDS, REPEATING),
)
def test_numeric(gold: str, pred: str, expected: bool) -> None:
    assert equivalent(gold, pred, "number") is expected
    assert equivalent(gold, pred, "latex") is expected  # the type does not change numeric verdicts


@pytest.mark.parametrize(
    ("gold", "pred", "expected"), _cases(LATEX, SQRT_PI, EQUATIONS, INTERVALS, TUPLES, MATRICES)
)
def test_latex(gold: str, pred: str, expected: bool) -> None:
    assert equivalent(gold, pred, "latex") is expected


@pytest.mark.parametrize(("gold", "pred", "expected"), TEXT)
def test_text(gold: str, pred: str, expected: bool) -> None:
    assert equivalent(gold, pred, "latex") is expected


@pytest.mark.parametrize(
    ("gold", "pred", "expected"),
    [
        ("August", "august", True),
        ("August", "August.", True),
        ("August", "July", False),
        ("Friday", "the friday", True),
    ],
)
def test_text_type(gold: str, pred: str, expected: bool) -> None:
    assert equivalent(gold, pred, "text") is expected


CHOICES = ("12", "\\frac{1}{2}", "After 6 minutes", "$\\$ 2.60$", "none")


@pytest.mark.parametrize(
    ("gold", "pred", "expected"),
    [
        ("B", "B", True),
        ("B", "(B)", True),
        ("B", "\\text{(B)}", True),
        ("B", "option B", True),
        ("B", "A", False),
        ("B", "0.5", True),  # option text matched back to its letter
        ("B", "1/2", True),
        ("A", "12", True),
        ("C", "after 6 minutes", True),
        ("D", "2.60", True),
        ("D", "2.6", True),
        ("A", "a", False),  # the article "a" is never choice A
        ("B", "12", False),
    ],
)
def test_choice(gold: str, pred: str, expected: bool) -> None:
    assert equivalent(gold, pred, "choice", CHOICES) is expected


def test_reasons() -> None:
    assert judge_equal("5", None) == (False, "no_answer")
    assert judge_equal("5 cm", "5 m")[1] in ("unit_mismatch", "mismatch")
    assert judge_equal("5", "5") == (True, "equal")
    with pytest.raises(ValueError, match="answer_type"):
        judge_equal("5", "5", "bogus")
