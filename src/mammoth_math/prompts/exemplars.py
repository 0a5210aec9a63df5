"""Few-shot exemplars written for this project (not copied from any benchmark's test set).

Three styles: `word` (GSM8K-like word problems with a number answer), `math` (competition problems with a
LaTeX answer) and `choice` (multiple choice). Each exemplar has both a CoT and a PoT solution so one
question list serves every mode.
"""

from __future__ import annotations

from dataclasses import dataclass

from mammoth_math.api import AnswerType


@dataclass(frozen=True)
class Exemplar:
    question: str
    cot: str
    program: str
    answer: str
    choices: tuple[str, ...] = ()


WORD: tuple[Exemplar, ...] = (
    Exemplar(
        "A baker makes 24 muffins in the morning and 18 in the afternoon. He sells 35 of them. "
        "How many muffins are left?",
        "He makes 24 + 18 = 42 muffins. After selling 35 he has 42 - 35 = 7 left. The answer is 7.",
        "morning = 24\nafternoon = 18\nsold = 35\nprint(morning + afternoon - sold)",
        "7",
    ),
    Exemplar(
        "Tickets cost $12 for adults and $7 for children. A family buys 2 adult and 3 child tickets. "
        "How much do they pay in dollars?",
        "Adults cost 2 * 12 = 24 dollars. Children cost 3 * 7 = 21 dollars. "
        "Together 24 + 21 = 45 dollars. The answer is 45.",
        "adult_price = 12\nchild_price = 7\nprint(2 * adult_price + 3 * child_price)",
        "45",
    ),
    Exemplar(
        "Maria reads 15 pages a day. Her book has 240 pages and she has already read 60. "
        "How many more days does she need to finish it?",
        "She has 240 - 60 = 180 pages left. At 15 pages a day that takes 180 / 15 = 12 days. The answer is 12.",
        "total = 240\nread = 60\nper_day = 15\nprint((total - read) // per_day)",
        "12",
    ),
    Exemplar(
        "A shirt costs $40. It is on sale for 25% off. How much does the shirt cost on sale?",
        "The discount is 40 * 25 / 100 = 10 dollars, so the price is 40 - 10 = 30 dollars. The answer is 30.",
        "price = 40\ndiscount = 0.25\nresult = price * (1 - discount)\nprint(int(result) if result == int(result) else result)",
        "30",
    ),
    Exemplar(
        "Tom has three times as many marbles as Ben. Together they have 64 marbles. How many does Tom have?",
        "If Ben has b marbles, Tom has 3b and 4b = 64, so b = 16 and Tom has 3 * 16 = 48. The answer is 48.",
        "total = 64\nben = total // 4\nprint(3 * ben)",
        "48",
    ),
    Exemplar(
        "A car travels 180 km in 3 hours. At the same speed, how far does it travel in 5 hours?",
        "The speed is 180 / 3 = 60 km per hour. In 5 hours it travels 60 * 5 = 300 km. The answer is 300.",
        "speed = 180 / 3\nprint(int(speed * 5))",
        "300",
    ),
    Exemplar(
        "Lena saves $8 every week. How many weeks does it take her to save $100 or more?",
        "After 12 weeks she has 96 dollars, which is not enough; after 13 weeks she has 104. The answer is 13.",
        "import math\nprint(math.ceil(100 / 8))",
        "13",
    ),
    Exemplar(
        "A garden is 12 m long and 7 m wide. A path 1 m wide runs around the outside. What is the area of the path in square meters?",
        "With the path the outer rectangle is 14 by 9, area 126. The garden is 12 * 7 = 84. "
        "The path is 126 - 84 = 42 square meters. The answer is 42.",
        "outer = (12 + 2) * (7 + 2)\ninner = 12 * 7\nprint(outer - inner)",
        "42",
    ),
)

MATH: tuple[Exemplar, ...] = (
    Exemplar(
        "What is the sum of the roots of $x^2 - 7x + 10 = 0$?",
        "By Vieta's formulas the sum of the roots is $7$. Indeed the roots are 2 and 5. "
        "The answer is $\\boxed{7}$.",
        "import sympy as sp\nx = sp.symbols('x')\nroots = sp.solve(x**2 - 7*x + 10, x)\nprint(sum(roots))",
        "7",
    ),
    Exemplar(
        "Simplify $\\frac{3}{4} + \\frac{5}{6}$.",
        "The common denominator is 12: $\\frac{9}{12} + \\frac{10}{12} = \\frac{19}{12}$. "
        "The answer is $\\boxed{\\frac{19}{12}}$.",
        "from fractions import Fraction\nprint(Fraction(3, 4) + Fraction(5, 6))",
        "\\frac{19}{12}",
    ),
    Exemplar(
        "Find the distance between the points $(1, 2)$ and $(4, 6)$.",
        "The distance is $\\sqrt{3^2 + 4^2} = \\sqrt{25} = 5$. The answer is $\\boxed{5}$.",
        "import math\nprint(int(math.hypot(4 - 1, 6 - 2)))",
        "5",
    ),
    Exemplar(
        "How many positive divisors does $36$ have?",
        "$36 = 2^2 \\cdot 3^2$, so it has $(2+1)(2+1) = 9$ divisors. The answer is $\\boxed{9}$.",
        "print(sum(1 for d in range(1, 37) if 36 % d == 0))",
        "9",
    ),
    Exemplar(
        "Solve for $x$: $\\sqrt{x + 5} = 4$.",
        "Squaring gives $x + 5 = 16$, so $x = 11$. The answer is $\\boxed{11}$.",
        "import sympy as sp\nx = sp.symbols('x')\nprint(sp.solve(sp.sqrt(x + 5) - 4, x)[0])",
        "11",
    ),
)

CHOICE: tuple[Exemplar, ...] = (
    Exemplar(
        "A train 120 m long passes a pole in 6 seconds. What is its speed in m/s?",
        "Speed = 120 / 6 = 20 m/s, which is option (B). The answer is (B).",
        "speed = 120 / 6\noptions = {'A': 15, 'B': 20, 'C': 24, 'D': 30, 'E': 36}\n"
        "print([k for k, v in options.items() if v == speed][0])",
        "B",
        ("15", "20", "24", "30", "36"),
    ),
    Exemplar(
        "If 3x + 4 = 19, what is x?",
        "3x = 15, so x = 5, which is option (C). The answer is (C).",
        "x = (19 - 4) / 3\noptions = {'A': 3, 'B': 4, 'C': 5, 'D': 6, 'E': 7}\n"
        "print([k for k, v in options.items() if v == x][0])",
        "C",
        ("3", "4", "5", "6", "7"),
    ),
    Exemplar(
        "What is 15% of 80?",
        "0.15 * 80 = 12, which is option (A). The answer is (A).",
        "value = 0.15 * 80\noptions = {'A': 12, 'B': 15, 'C': 18, 'D': 20}\n"
        "print([k for k, v in options.items() if abs(v - value) < 1e-9][0])",
        "A",
        ("12", "15", "18", "20"),
    ),
)

STYLES: dict[str, tuple[Exemplar, ...]] = {"word": WORD, "math": MATH, "choice": CHOICE}


def style_for(answer_type: AnswerType, has_choices: bool) -> str:
    if has_choices or answer_type == AnswerType.CHOICE:
        return "choice"
    return "math" if answer_type == AnswerType.LATEX else "word"


def exemplars_for(answer_type: AnswerType, has_choices: bool, shots: int) -> tuple[Exemplar, ...]:
    pool = STYLES[style_for(answer_type, has_choices)]
    if shots < 0:
        raise ValueError(f"--shots must be >= 0, got {shots}")
    # A mixed run (--shots 8 over GSM8K and MATH) uses as many as each style has rather than failing.
    return pool[: min(shots, len(pool))]
