"""Extraction from realistic full responses (MATH/GSM8K CoT, Minerva "Final Answer", AQuA/MMLU choices).

Rows are (response, answer_type, expected): `expected` None means no answer may be extracted (hedged,
truncated, contradictory); otherwise the extracted answer must be `equivalent` to it."""

from __future__ import annotations

import pytest

from mammoth_math.grade import equivalent, extract_answer

CH = ("12", "15", "18", "21", "24")
WORDS = ("Paris", "London", "Berlin", "Madrid")

Row = tuple[str, str, str | None]

MARKED: list[Row] = [
    ("We have $x + 2 = 7$, so $x = 5$. Thus the answer is $\\boxed{5}$.", "number", "5"),
    ("Hence the area is $\\boxed{12\\sqrt{3}}$ square units.", "latex", "12\\sqrt{3}"),
    ("\\boxed{3} is wrong, I made an error. Redoing it, the final answer is \\boxed{4}.", "number", "4"),
    ("Final Answer: The final answer is $\\frac{3}{4}$. I hope it is correct.", "latex", "\\frac{3}{4}"),
    ("Final Answer: The final answer is $(2, -1)$. I hope it is correct.", "latex", "(2,-1)"),
    ("Final Answer: The final answer is 18. I hope it is correct.", "number", "18"),
    ("Janet sells 16 - 3 - 4 = 9 eggs.\nShe makes 9 * 2 = $18.\n#### 18", "number", "18"),
    ("The total is 1,000 + 234 = 1,234 dollars.\n#### 1,234", "number", "1234"),
    ("The answer is: 42", "number", "42"),
    ("Therefore, the answer is $12\\sqrt{3}$.", "latex", "12\\sqrt{3}"),
    ("The correct answer is $x^2 + 1$.", "latex", "x^2+1"),
    ("**Answer:** $\\frac{7}{2}$", "latex", "\\frac{7}{2}"),
    ("So the final answer is **18**.", "number", "18"),
    ("The answer is 5. Wait, that's wrong; the answer is 7.", "number", "7"),
    ("The answer is 5. Actually, I made a mistake: the answer is 7.", "number", "7"),
    ("So Tom needs 3 more hours.\n\nThe answer is 3 hours.", "number", "3"),
    ("The solutions are $x=2$ and $x=3$, so the answer is $2, 3$.", "latex", "2, 3"),
    ("$\\boxed{x = 5}$", "latex", "5"),
    ("The final answer is $\\boxed{10}$", "number", "10"),
    ("I think the answer is 12.", "number", "12"),
    ("We get $\\boxed{\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}}$.", "latex", "(1, 2)"),
    ("The interval is $\\boxed{[2, 5)}$.", "latex", "[2,5)"),
    ("Thus $n = \\boxed{1011_2}$.", "latex", "1011_2"),
    ("The angle is $\\boxed{30^\\circ}$.", "latex", "30"),
    ("The probability is $\\boxed{\\dfrac{1}{6}}$.", "latex", "\\frac16"),
]
UNMARKED: list[Row] = [
    ("She has 5 + 3 = 8 apples left.", "number", "8"),
    ("The total cost is $\\$1,250$.", "number", "1250"),
    ("Natalia sold 48 + 24 = 72 clips altogether.", "number", "72"),
    ("Natalia sold 48 + 24 = 72 clips in May and then she", "number", None),
    ("It is either 5 or 6.", "number", None),
    ("The answer is either 5 or 6.", "number", None),
    ("It could be 3 or 4, I'm not sure.", "number", None),
    ("The answer is 6 or 7.", "number", None),
    ("First, 48/2 = 24 clips in May. Then the total is 48 + 24 =", "number", None),
    ("Let me compute step by step. 12 * 3 = 36. Next we need to subtract the", "number", None),
    (
        "To find the sum, note that $1 + 2 + \\cdots + n = \\frac{n(n+1)}{2}$, so for $n = 100$ we get",
        "number",
        None,
    ),
    ("We need to find how many apples she has.", "number", None),
    ("The answer is $\\boxed{5}$. Hmm, or \\boxed{6}", "number", None),
    ("I do not know how to solve this.", "latex", None),
]
CHOICE_ROWS: list[Row] = [
    ("The answer is (B).", "choice", "B"),
    ("B) 15", "choice", "B"),
    ("Answer: B", "choice", "B"),
    ("Answer: b", "choice", "B"),
    ("the answer is b", "choice", "B"),
    ("Therefore the answer is d.", "choice", "D"),
    ("I choose C because the area is 18.", "choice", "C"),
    ("I would pick option E.", "choice", "E"),
    ("The correct answer is (A) 12.", "choice", "A"),
    ("Among the options, 21 fits. So the answer is 21.", "choice", "D"),
    ("(C)", "choice", "C"),
    ("So the answer is \\boxed{\\text{(B)}}", "choice", "B"),
    ("Answer: (D) 21", "choice", "D"),
    ("A rectangle has area 18, so the answer is C.", "choice", "C"),
    ("A train leaves at noon, so it is a long trip.", "choice", None),
    ("The answer is a number we cannot find.", "choice", None),
    ("It is either (B) or (C).", "choice", None),
    ("The answer is 18.", "choice", "C"),
]
# written without running first, as a held-out check (20 of 26 agreed; the rest led to the joined-box,
# next-question, "X is the correct answer", hedged-last-line and unevaluated-expression rules)
PROBE: list[Row] = [
    ("Step 1: 3*4 = 12.\nStep 2: 12 + 5 = 17.\nThe answer is 17.", "number", "17"),
    (
        "Let's think step by step. She buys 3 packs of 4, so 12 pencils. She gives away 5, leaving 7.\nThe answer is 7",
        "number",
        "7",
    ),
    ("So, the final answer is $\\boxed{\\dfrac{5}{12}}$.", "latex", "5/12"),
    ("The answer is $\\boxed{2}$ and $\\boxed{3}$.", "latex", "2, 3"),
    ("Therefore, $x = \\boxed{-2}$ or $x = \\boxed{5}$.", "latex", "-2, 5"),
    ("The value is 3.5 hours, which is the answer: 3.5", "number", "3.5"),
    ("Answer: 1,024", "number", "1024"),
    ("#### $45", "number", "45"),
    ("#### 45.00", "number", "45"),
    ("The answer is $45.", "number", "45"),
    ("The answer is \\$45.00.", "number", "45"),
    ("So he has 8 left. The answer is 8. Hmm, let me double check: 12 - 4 = 8. Yes.", "number", "8"),
    ("The answer is 12.\n\nQuestion: A new problem about trains. Answer: Let's think", "number", "12"),
    ("Final Answer: The final answer is $\\text{(C)}$. I hope it is correct.", "choice", "C"),
    ("The answer is option C, 18.", "choice", "C"),
    ("Option (C) is correct.", "choice", "C"),
    ("C is the correct answer.", "choice", "C"),
    ("The correct option is D.", "choice", "D"),
    ("Answer: A", "choice", "A"),
    ("The answer is A.", "choice", "A"),
    ("Thus, there are a total of 18 ways, which is choice (C).", "choice", "C"),
    ("So the number of ways is 18, answer C", "choice", "C"),
    ("So the answer is either A or B.", "choice", None),
    ("I'm not sure, maybe (B)?", "choice", None),
    ("We compute 2+2=4. Then 4*3", "number", None),
    (
        "The answer is \\boxed{7}. \n\nWait, let me recompute. Actually the answer is \\boxed{8}.",
        "number",
        "8",
    ),
    ("$x = \\boxed{1}$, $\\boxed{2}$, or $\\boxed{3}$", "number", None),
    ("\\boxed{A} or \\boxed{B}", "choice", None),
]
TEXT_OPTIONS: list[Row] = [
    ("The capital of France is Paris, so the answer is Paris.", "choice", "A"),
    ("The answer is Berlin.", "choice", "C"),
    ("Answer: (D) Madrid", "choice", "D"),
]


@pytest.mark.parametrize(
    ("response", "answer_type", "expected"),
    [pytest.param(*r, id=f"{name}-{i}") for name, t in
     (("marked", MARKED), ("unmarked", UNMARKED), ("choice", CHOICE_ROWS), ("probe", PROBE)) for i, r in enumerate(t)],
)  # fmt: skip
def test_extract(response: str, answer_type: str, expected: str | None) -> None:
    choices = CH if answer_type == "choice" else None
    got = extract_answer(response, answer_type, choices).answer
    if expected is None:
        assert got is None
    else:
        assert got is not None and equivalent(expected, got, answer_type, choices), got


@pytest.mark.parametrize(("response", "answer_type", "expected"), TEXT_OPTIONS)
def test_extract_text_options(response: str, answer_type: str, expected: str) -> None:
    got = extract_answer(response, answer_type, WORDS).answer
    assert got is not None and equivalent(expected, got, "choice", WORDS)
