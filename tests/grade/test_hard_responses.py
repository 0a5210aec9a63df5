"""Hard answer shapes in full responses (issue 14): extraction then judgement, one table per class.

Rows are (gold, response, answer_type, expected) judged by `grade()`; near misses must stay False. The
truncation table adds the generation's finish reason."""

from __future__ import annotations

import pytest

from mammoth_math.api import AnswerType, Problem
from mammoth_math.grade import equivalent, extract_answer, grade

Row = tuple[str, str, str, bool]

RELATION_RESPONSES: list[Row] = [
    (r"x \geq 5", r"Solving the inequality, we get $x \geq 5$.", "latex", True),
    (r"x \geq 5", r"Solving the inequality, we get $x > 5$.", "latex", False),
    (r"x \geq 5", "Solving gives x >= 5.", "latex", True),
    (r"-2 < x < 3", r"Thus the solution set is $-2 < x < 3$.", "latex", True),
    (r"-2 < x < 3", r"Thus the solution set is $-2 < x \le 3$.", "latex", False),
    (r"0 < f(x) < 1", r"Therefore the range of $f$ is $(0,1)$.", "latex", True),
    (r"x \leq 5", r"The answer is $5 \geq x$.", "latex", True),
    ("x > 5", r"So we need $x > 4$.", "latex", False),
    ("5", r"So we need $x > 5$.", "latex", False),  # a relation is not its right-hand number
]

MATRIX_RESPONSES: list[Row] = [
    (
        r"\begin{pmatrix} 2 & 0 \\ 0 & 3 \end{pmatrix}",
        r"Therefore, the matrix is $\begin{pmatrix} 2 & 0 \\ 0 & 3 \end{pmatrix}$.",
        "latex",
        True,
    ),
    (
        r"\begin{pmatrix} 2 & 0 \\ 0 & 3 \end{pmatrix}",
        r"Therefore, the matrix is $\begin{pmatrix} 2 & 0 \\ 0 & 4 \end{pmatrix}$.",
        "latex",
        False,
    ),
    ("3", r"Therefore, the matrix is $\begin{pmatrix} 2 & 0 \\ 0 & 3 \end{pmatrix}$.", "latex", False),
    (
        r"\begin{pmatrix} 1 & -2 \\ 0 & 1 \end{pmatrix}",
        r"So $\mathbf{M} = \begin{pmatrix} 1 & -2 \\ 0 & 1 \end{pmatrix}.$",
        "latex",
        True,
    ),
    (
        r"\begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix}",
        r"The answer is $\left[\begin{array}{cc} 1 & 2 \\ 3 & 4 \end{array}\right]$.",
        "latex",
        True,
    ),
    (
        r"\begin{pmatrix} 1 \\ 2 \end{pmatrix}",
        "The projection is\n$$\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}$$",
        "latex",
        True,
    ),
    (
        r"\begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix}",
        "Answer: $\\begin{pmatrix}\n1 & 2\\\\\n3 & 4\n\\end{pmatrix}$",
        "latex",
        True,
    ),
    (
        r"\begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix}",
        "Answer: $\\begin{pmatrix}\n1 & 2\\\\\n4 & 3\n\\end{pmatrix}$",
        "latex",
        False,
    ),
    (
        r"\begin{pmatrix} 5 \\ -1 \end{pmatrix}",
        r"The vector we want is $\begin{bmatrix} 5 \\ -1 \end{bmatrix}$, as claimed.",
        "latex",
        True,
    ),
]

NUMBER_FORMAT_RESPONSES: list[Row] = [
    ("11111111100", r"The sum is $\boxed{11,\! 111,\! 111,\! 100}$.", "latex", True),
    ("10455", r"So the total is $10,455$.", "latex", True),
    ("10455", r"So the answer is $10{,}455$.", "number", True),
    ("10455", r"So the answer is $10{,}456$.", "number", False),
]

DISPLAY_RESPONSES: list[Row] = [
    ("9", "We add them up.\nAnswer:\n$$\n9\n$$", "latex", True),
    ("9", "We add them up.\nAnswer:\n$$\n8\n$$", "latex", False),
    ("9", "Final Answer:\n\\[\n9\n\\]", "latex", True),
    ("9", "The answer is\n\\(\n9\n\\)", "number", True),
    ("9", "Answer: \\[\n9\n\\]", "number", True),
    (r"x \geq 5", "Answer:\n$$\nx \\geq 5\n$$", "latex", True),
    (
        r"\begin{pmatrix} 1 \\ 2 \end{pmatrix}",
        "Therefore the answer is:\n$$\n\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}\n$$",
        "latex",
        True,
    ),
]

PHRASE_RESPONSES: list[Row] = [
    ("120", "Final Answer: The volume of $ABCDEFGH$ is 120", "latex", True),
    ("120", "Final Answer: The volume of $ABCDEFGH$ is 121", "latex", False),
    (
        r"\frac{3}{2}",
        r"Final Answer: The area of triangle $ABC$ is $\frac{3}{2}$ square units.",
        "latex",
        True,
    ),
    ("24", "The answer is: the number of ways is 24.", "number", True),
    ("15", "Answer: Tom has 15 apples.", "number", True),
    ("15", "Answer: Tom has 16 apples.", "number", False),
    ("Paris", "Final Answer: The capital is Paris.", "text", True),
    (r"\text{June 20}", "Answer: June 20", "latex", True),  # a name holding a number stays whole
    (r"\text{June 20}", r"So the answer is $\boxed{\text{June 20}}$.", "latex", True),
    (r"\text{June 20}", r"So the answer is $\boxed{\text{June 21}}$.", "latex", False),
    ("120", r"So $\boxed{\text{The volume is } 121}$.", "latex", False),
]

LABELLED_RESPONSES: list[Row] = [
    ("(3,2)", r"The answer is $(p,q)=(3,2)$.", "latex", True),
    ("(3,2)", r"The answer is $(p,q)=(2,3)$.", "latex", False),
    ("11:21", r"Hence $\boxed{V_1:V_2=11:21}$.", "latex", True),
    (r"\frac{1}{\sqrt6}", r"Therefore $\boxed{\frac{NO}{BO}=\frac{1}{\sqrt6}}$.", "latex", True),
]

MULTI_ANSWER_RESPONSES: list[Row] = [
    ("1, -2", "One root is $\\boxed{-2}$.\n\nThe other root is $\\boxed{1}$.", "latex", True),
    ("1", "One root is $\\boxed{-2}$.\n\nThe other root is $\\boxed{1}$.", "latex", False),
    ("-2, 1, 3", "One root is $\\boxed{-2}$.\n\nThe other root is $\\boxed{1}$.", "latex", False),
    ("(3, 2)", "First $p = \\boxed{3}$.\n\nThen $q = \\boxed{2}$.", "latex", True),
    ("(2, 3)", "First $p = \\boxed{3}$.\n\nThen $q = \\boxed{2}$.", "latex", False),
    ("(1,2), (3,4)", r"The pairs are $\boxed{(1;2)}$ and $\boxed{(3;4)}$.", "latex", True),
    ("(1,2), (3,4)", r"The solutions are $(x,y) = (1,2)$ or $(x,y) = (3,4)$, so the answer is $(1,2) \text{ or } (3,4)$.", "latex", True),
    (r"\pm 1", "Thus $W(x)=1$ or $W(x)=-1$.\nFinal answer: W(x)=1 or W(x)=-1", "latex", True),
    ("5", "The answer is $\\boxed{5}$. Hmm, or \\boxed{6}", "number", False),
]  # fmt: skip

TEMPLATE_LEAK_RESPONSES: list[Row] = [
    ("12", "The answer is 12.<|im_end|>\n<|im_start|>user\nNow solve: the answer is 15.", "number", True),
    ("15", "The answer is 12.<|im_end|>\n<|im_start|>user\nNow solve: the answer is 15.", "number", False),
    ("7", "So $\\boxed{7}$.</s>Next problem. So $\\boxed{9}$.", "latex", True),
    ("12", "She has 12 apples.<|endoftext|>Human: how many pears? She has 20 pears.", "number", True),
    ("8", "#### 8<|eot_id|><|start_header_id|>user<|end_header_id|>\n\n#### 9", "number", True),
    ("9", "#### 8<|eot_id|><|start_header_id|>user<|end_header_id|>\n\n#### 9", "number", False),
]

HEDGE_RESPONSES: list[Row] = [
    ("7", "The sign is written in either English or German.\nSo there are 3 + 4 = 7 signs.", "number", True),
    ("7", "Labels may be in either English or German. The answer is 7.", "number", True),
    ("5", "It is either 5 or 6.", "number", False),
    ("7", "The answer is 7, written in either English or German.", "number", True),
    ("7", "The answer is 7 (in either English or German)", "number", True),
    ("7", "The answer is either 7 or 8.", "number", False),
    ("B", "It is either (B) or (C).", "latex", False),
    ("12", "The final answer is 12 or 13.", "number", False),
    ("12", "So the total is 12. Maybe 13 if we count Tom.", "number", False),
    ("20", "She has 5 + 15 = 20 dollars.\nA: 20", "number", True),
    ("20", "Let's think. 12 + 8 = 20.\nA: 20\nExplanation: Tom had 12 and got 8 more.", "number", True),
    ("21", "Let's think. 12 + 8 = 20.\nA: 20", "number", False),
]

# labelled before being run against the new code, as a held-out check (see docs/grade.md for the tally)
PROBE: list[Row] = [
    ("(2,7)", "Combining, the solution is $2 < x < 7$.", "latex", True),
    (r"\begin{pmatrix} 3 \\ -2 \end{pmatrix}", r"Hence $\mathbf{v} = \begin{pmatrix} 3 \\ -2 \end{pmatrix}.$", "latex", True),
    (r"\begin{pmatrix} 3 \\ -2 \end{pmatrix}", r"Hence $\mathbf{v} = \begin{pmatrix} -2 \\ 3 \end{pmatrix}.$", "latex", False),
    ("-2", r"Hence $\mathbf{v} = \begin{pmatrix} 3 \\ -2 \end{pmatrix}.$", "latex", False),
    (r"12\sqrt{3}", r"So the area is $12\sqrt{3}$.", "latex", True),
    ("7", "Then $a+b = 7$.", "latex", True),
    ("8", "We get $x = 2$, so $y = 8$.", "latex", True),
    ("42", "Final Answer: The number of students is 42. I hope it is correct.", "number", True),
    ("42", "Final Answer: The number of students is 43. I hope it is correct.", "number", False),
    ("5", "The answer is\n$$5$$", "number", True),
    ("5", "**Answer:**\n\\[\n\\boxed{5}\n\\]", "latex", True),
    ("18", "Janet makes 9 * 2 = 18 dollars.\nA: 18", "number", True),
    ("18", "A: Janet sells 16 - 3 - 4 = 9 eggs.\nShe makes 9 * 2 = 18 dollars.", "number", True),
    ("3", "The answer is 3.<|im_end|>\n<|im_start|>assistant\nThe answer is 4.", "number", True),
    ("4", "The answer is 3.<|im_end|>\n<|im_start|>assistant\nThe answer is 4.", "number", False),
    ("10", "The question says either apples or pears.\nShe has 4 + 6 = 10 fruits.", "number", True),
    ("10", "She has either 10 or 11 fruits.", "number", False),
    ("10", "So she has 10 fruits either way.", "number", True),
    ("1, 3", "The roots are $\\boxed{1}$ and, checking again, $\\boxed{3}$.", "latex", True),
    ("3", "The roots are $\\boxed{1}$ and $\\boxed{3}$.", "latex", False),
    ("2", "x = 2. But wait, the question asks for y, and $y = \\boxed{4}$", "latex", False),
    (r"x \le 3", "Solving: x <= 3.", "latex", True),
    (r"x \le 3", "Solving: x < 3.", "latex", False),
    (r"\frac{1}{2}", r"Final Answer: The probability that both are red is $\frac{1}{2}$.", "latex", True),
    ("2", r"Final Answer: The probability that both are red is $\frac{1}{2}$.", "latex", False),
]  # fmt: skip

# the second batch (see test_hard_equivalence.PROBE_2)
PROBE_2: list[Row] = [
    ("9", "Answer:\n\n$$\n\\boxed{9}\n$$", "latex", True),
    ("9", "The final answer is:\n\n$$\n9\n$$", "latex", True),
    ("9", "**Final Answer**\n\n\\[\n\\boxed{9}\n\\]", "latex", True),
    ("9", "Final Answer\n$$9$$", "latex", True),
    ("9", "Final Answer\n$$9$$", "number", True),
    ("120", "Final Answer: The final answer is that the volume is 120.", "latex", True),
    ("-3", "Final Answer: The sum of all solutions is $-3$.", "latex", True),
    ("24", "Final Answer: There are 24 ways.", "number", True),
    ("120", "So $\\boxed{\\text{The volume is } 120}$.", "latex", True),
    ("5", "The answer is 5.<eos>Next: the answer is 6.", "number", True),
    ("5", "The answer is 5.\n### Instruction:\nSolve 2+2. The answer is 4.", "number", True),
    ("5", "The answer is 5.\nUser: and 2+2? Assistant: The answer is 4.", "number", True),
    ("5", "Thus, the answer is 5 (or 6 if we include zero).", "number", False),
    ("20", "A: $20", "number", True),
    ("20", "A: 20 dollars", "number", True),
    ("1, 2", "So $\\boxed{x=1}$.\n\nAlso $\\boxed{x=2}$.", "latex", True),
    ("(1,2), (2,1)", "The solutions are $\\boxed{(1,2)}, \\boxed{(2,1)}$.", "latex", True),
    (r"\begin{pmatrix} 1 & 0 \\ 0 & 1 \end{pmatrix}", "Thus\n$$\\mathbf{A} = \\begin{pmatrix} 1 & 0 \\\\ 0 & 1 \\end{pmatrix}$$", "latex", True),
    ("x > 2", "Therefore $x > 2$.", "latex", True),
    ("x > 2", "Therefore $x \\geq 2$.", "latex", False),
    ("[2, \\infty)", "So the domain is $x \\geq 2$.", "latex", True),
    ("(-1, 1)", "The solution set is $\\{x \\mid -1 < x < 1\\}$.", "latex", True),
]  # fmt: skip

# unmarked LaTeX prose (MATH solutions with their boxes removed): the closing display or computation
UNMARKED_LATEX: list[Row] = [
    ("3s^2", "We have \\begin{align*}\n\\frac{2s^5}{s^3} &= 2s^2 + s^2\\\\\n&=3s^2.\n\\end{align*}", "latex", True),
    ("3s^2", "We have \\begin{align*}\n\\frac{2s^5}{s^3} &= 2s^2 + s^2\\\\\n&=3s^3.\n\\end{align*}", "latex", False),
    ("8", "\\begin{align*}\n1+a &= 9\\\\\n\\Rightarrow\\qquad 8&=x.\n\\end{align*}", "latex", True),
    (
        r"\begin{pmatrix} -2 \\ -2 \\ 1 \end{pmatrix}",
        "\\begin{align*}\nv &= -\\begin{pmatrix} 2 \\\\ 2 \\\\ -1 \\end{pmatrix} \\\\\n&= \\begin{pmatrix} -2 \\\\ -2 \\\\ 1 \\end{pmatrix}.\n\\end{align*}",
        "latex",
        True,
    ),
    ("3", "so\n$$\\begin{aligned} f(3) &= 27-27-27+30 \\\\\n&= 3. \\end{aligned}$$", "latex", True),
    ("7", r"$$194 = 17 \cdot 11 + 7 \implies 194 \equiv 7 \pmod{11}.$$", "latex", True),
    ("107", r"the group should get $\frac{145}{488}\cdot360\approx107$ degrees.", "latex", True),
    ("720", r"so the answer is $3! \times 5! = 720$.", "latex", True),
    ("720", r"so the answer is $3! \times 5! = 721$.", "latex", False),
    ("162", r"The final answer is $\dfrac{324}{2}=162$ handshakes.", "latex", True),
    ("25", r"So the answer is $x^2 + y^2 = 25$.", "latex", False),  # an equation, not a computation
    ("-56", r"We plug in: $b^2 - 4ac = 64 - 120 = -56,$ as required.", "latex", True),
    ("f(x)", r"In this form, it is clear that $f(x)$ is even.", "latex", False),  # the subject, not the answer
    ("a", r"the sum of the series with first term $a$.", "latex", False),  # a bare variable is no answer
]  # fmt: skip

# the third batch (see test_hard_equivalence.PROBE_3)
PROBE_3: list[Row] = [
    ("(a, b) = (1, 2)", "Therefore $\\boxed{a=1, b=2}$.", "latex", True),
    ("-1 \\le x \\le 1", "So the solution set is $[-1, 1]$.", "latex", True),
    ("-1 \\le x \\le 1", "So the solution set is $(-1, 1]$.", "latex", False),
    ("2", "**Final Answer**\n\\[ \\boxed{2} \\]", "latex", True),
    ("2", "The final answer is $\\boxed{2}$.<|im_end|>", "latex", True),
    ("17", "Thus there are $17$ such numbers.", "latex", True),
    ("17", "Thus there are $17$ such numbers, not $18$.", "latex", False),
    ("\\frac{1}{2}", "Hence the probability is $\\frac{1}{2}$.", "latex", True),
    ("\\frac{1}{2}", "Hence the probability is $\\frac{1}{2}$ when $n$ is even.", "latex", False),
    ("5", "Answer: 5\n\nExplanation: we add 2 and 3.", "number", True),
    ("(1,2)", "The answer is $(1,2)$ or $(2,1)$.", "latex", False),
    ("(1,2), (2,1)", "The answer is $(1,2)$ or $(2,1)$.", "latex", True),
    ("x^2+1", "Final Answer: The polynomial is $x^2+1$.", "latex", True),
    ("x^2+1", "Final Answer: The polynomial is $x^2-1$.", "latex", False),
    ("3", "the remainder is $3$.\n\n**Answer:** 3", "number", True),
    ("8", "So the answer is \\(8\\).", "number", True),
    ("8", "So the answer is \\(\n8\n\\).", "number", True),
    ("11", "After 11", "number", True),
]  # fmt: skip

# the fourth batch (see test_hard_equivalence.PROBE_4)
PROBE_4: list[Row] = [
    ("120", "Final Answer: The volume of the solid $ABCDEFGH$ is $120$ cubic units.", "latex", True),
    ("120", "**Final Answer:** The volume of $ABCDEFGH$ is $\\boxed{120}$.", "latex", True),
    ("120", "Final answer: the volume is 120.", "number", True),
    ("9", "Answer\n$$\n9\n$$", "latex", True),
    ("9", "## Answer\n\\[\n9\n\\]", "latex", True),
    ("9", "The answer is:\n\\[\n\\boxed{9}\n\\]\nThis completes the solution.", "latex", True),
    ("x \\geq 5", "Final Answer: $x \\geq 5$", "latex", True),
    ("x \\geq 5", "Final Answer: $x > 5$", "latex", False),
    ("x \\geq 5", "We need $x - 5 \\geq 0$, i.e., $x \\geq 5$.", "latex", True),
    ("5", "We need $x - 5 \\geq 0$, i.e., $x \\geq 5$.", "latex", False),
    ("\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}", "The answer is \\[\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}\\]", "latex", True),
    ("\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}", "The matrix $\\mathbf{M}$ is $\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}.$", "latex", True),
    ("20", "Q: Tom has 12 apples and gets 8 more. How many?\nA: 20", "number", True),
    ("20", "He pays 4 * 5 = 20 dollars.\n\nA: 20\n\nQ: Next question", "number", True),
    ("7", "So the answer is 7.</s><s>[INST] Next [/INST] The answer is 9.", "number", True),
    ("7", "The answer is 7.<|endoftext|>", "number", True),
    ("1, -2", "The roots are $x = \\boxed{1}$ and $x = \\boxed{-2}$.", "latex", True),
    ("1, -2", "$\\boxed{1}$\n\n$\\boxed{-2}$", "latex", True),
    ("(3,2)", "The answer is $(p, q) = (3, 2)$.", "latex", True),
    ("(3,2)", "Therefore $p = 3$ and $q = 2$, so the answer is $\\boxed{(3, 2)}$.", "latex", True),
    ("4, 5", "So $\\boxed{AB = 4, CD = 5}$.", "latex", True),
    ("10455", "The total is $\\boxed{10,455}$.", "number", True),
    ("10455", "The total is 10,455 dollars.", "number", True),
    ("2.74", "The density is 2,74 g/cm^3.", "number", True),
    ("12", "The word may be written in either English or German, but the count is 12.", "number", True),
    ("12", "Perhaps 12 is right.", "number", False),
    ("11", "We continue: 5 + 6 = 11", "number", True),
]  # fmt: skip

# the fifth batch (see test_hard_equivalence.PROBE_5)
PROBE_5: list[Row] = [
    ("5", "We find $x = 5$.<|im_end|>", "latex", True),
    ("5", "Answer: $$\n6\n$$", "latex", False),
    ("5", "The length of $AB$ is 6.", "latex", False),
    ("5", "Final Answer: The length of $AB$ is 5 cm.", "latex", True),
    ("5", "Final Answer: The length of $AB$ is 15.", "latex", False),
    ("5", "A: 6", "number", False),
    ("x > 2", "Thus $x > 2$ is impossible, so no solution.", "latex", False),
    ("(1, 2)", "The answer is $(1, 2)$.\nUser: thanks! The answer is (3, 4).", "latex", True),
    ("\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}", "Thus $\\mathbf{v} = \\begin{pmatrix} 2 \\\\ 1 \\end{pmatrix}$.", "latex", False),
    ("1, 2", "So $\\boxed{1}$ works, but $\\boxed{3}$ fails.", "latex", False),
    ("1, 2", "Thus $x=\\boxed{1}$ and $x=\\boxed{2}$.", "latex", True),
    ("12", "So the total is 12, or maybe 13.", "number", False),
    ("12", "The total is 12 (either way).", "number", True),
]  # fmt: skip

# the sixth batch (see test_hard_equivalence.PROBE_6)
PROBE_6: list[Row] = [
    ("120", "Final Answer: The volume of $ABCDEFGH$ is $\\boxed{120}$ cubic units.", "latex", True),
    ("120", "Final Answer: The volume of the prism is 120 cubic centimeters.", "number", True),
    ("4", "Final Answer: The length of segment $AB$ equals 4.", "latex", True),
    ("4", "Final Answer: The number of solutions is four.", "number", True),
    ("9", "So,\n$$\n9\n$$\nis the answer.", "latex", True),
    ("9", "Answer:\n\\(\n9\n\\)", "latex", True),
    ("9", "Answer: $$9$$", "latex", True),
    ("9", "**Answer**: $9$", "latex", True),
    ("\\begin{pmatrix} 1 & 0 \\\\ 0 & 1 \\end{pmatrix}", "The answer is the identity matrix $\\begin{pmatrix} 1 & 0 \\\\ 0 & 1 \\end{pmatrix}$.", "latex", True),
    ("\\begin{pmatrix} 2 \\\\ 3 \\end{pmatrix}", "The vector is $\\begin{pmatrix} 2 \\\\ 3 \\end{pmatrix}$ and its length is $\\sqrt{13}$.", "latex", False),
    ("x \\geq 5", "The solution set is $\\{x \\mid x \\geq 5\\}$.", "latex", True),
    ("x \\geq 5", "So $x \\geq 5$.", "latex", True),
    ("20", "Let's compute: 4 * 5 = 20.\nA: 20.", "number", True),
    ("20", "A: 20\n\nQ: A farmer has 12 cows.", "number", True),
    ("12", "The answer is 12.</s>", "number", True),
    ("12", "The answer is 12.<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\nThe answer is 13.", "number", True),
    ("1, -2", "The solutions are $x = 1$ and $x = -2$, i.e. $\\boxed{1}$ and $\\boxed{-2}$.", "latex", True),
    ("5", "Either way, the total is 5.", "number", True),
    ("5", "It might be 5.", "number", False),
    ("11", "... After 11 days, the tank is full.", "number", True),
]  # fmt: skip

# the seventh batch (see test_hard_equivalence.PROBE_7), and the joining rule's near misses
PROBE_7: list[Row] = [
    ("x \\geq 5", "The solution is \\(x \\geq 5\\).", "latex", True),
    ("(0, 1)", "Hence $0 < f(x) < 1$.", "latex", True),
    ("\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}", "The matrix is \\[\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}.\\]", "latex", True),
    ("\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}", "We get $A^2 = \\begin{pmatrix} 7 & 10 \\\\ 15 & 22 \\end{pmatrix}$, and $A = \\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}$ is the answer.", "latex", True),
    ("11111111100", "Thus the sum is $11,\\! 111,\\! 111,\\! 100$.", "latex", True),
    ("9", "Answer:\n$$9$$", "latex", True),
    ("9", "Therefore, the answer is:\n\\[\n\\boxed{9}\n\\]", "latex", True),
    ("120", "Final Answer: The volume of $ABCDEFGH$ is 120.", "latex", True),
    ("(3,2)", "Final Answer: $(p,q)=(3,2)$", "latex", True),
    ("7:32", "Final Answer: $S_{MBCN}:S=7:32$", "latex", True),
    ("(1,2),(3,4)", "The solutions are $(1,2)$ and $(3,4)$.", "latex", True),
    ("(1,2),(3,4)", "So $\\boxed{(1,2)}$ and $\\boxed{(3,4)}$.", "latex", True),
    ("(1,2),(3,4)", "So $\\boxed{(1,2)}$ and $\\boxed{(3,5)}$.", "latex", False),
    ("1, -2", "$\\boxed{-2}$ and $\\boxed{1}$", "latex", True),
    ("W(x)=1 \\text{ or } W(x)=-1", "So $W(x)=1$ or $W(x)=-1$.", "latex", True),
    ("12", "The answer is 12.<|im_start|>user\nWhat about 13?<|im_end|>", "number", True),
    ("20", "Janet has 20 eggs.\nA: 20", "number", True),
    ("7", "In the question, the names are written in either English or German.\nThe number of names is 7.", "number", True),
    ("7", "In the question, the names are written in either English or German.\nThe number of names is either 7 or 8.", "number", False),
    ("3", "The roots lie between $4$ and $6$.", "latex", False),  # operands, not a list of answers
    ("600", "which equals $50 \\cdot 12$, or $600$.", "latex", True),  # ", or": a restatement
    ("\\frac{2}{5}", "Hence, $x$ must be $3$ or $\\frac{2}{5}$.", "latex", False),  # a choice still to make
]  # fmt: skip

# the eighth batch (see test_hard_equivalence.PROBE_8)
PROBE_8: list[Row] = [
    ("20", "Ans: 20", "number", True),
    ("20", "Ans. 20", "number", True),
    ("20", "ANSWER: 20", "number", True),
    ("20", "### Final Answer\n20", "number", True),
    ("20", "**Final answer:** 20", "number", True),
    ("20", "The final answer is 20.", "number", True),
    ("20", "The final answer is 21.", "number", False),
    ("x \\geq 5", "**Final Answer**\n$$x \\geq 5$$", "latex", True),
    ("(3,2)", "### Final Answer\n\\[\n(p, q) = (3, 2)\n\\]", "latex", True),
    ("4, 5", "Final Answer: $AB = 4$ and $CD = 5$.", "latex", True),
    ("11:21", "Final Answer: The ratio of the volumes is $11:21$.", "latex", True),
    ("11:21", "Final Answer: The ratio of the volumes is $21:11$.", "latex", False),
    ("10455", "**Answer:** $10,455$", "number", True),
    ("120", "The volume of $ABCDEFGH$ is $\\boxed{120}$ cubic units.", "latex", True),
    ("9", "So the answer is $$9.$$", "latex", True),
]  # fmt: skip

# a ninth batch, GSM8K-style (OpenAI format, A: lines, notes after the answer), labelled before being run
# (19 of 21 with its truncation rows agreed; a note after the answer that "could be read either way" is
# no hedge now; "45 minutes or 0.75 hours" for 45 is still a miss and is left out)
PROBE_9: list[Row] = [
    ("18", "Janet's ducks lay 16 eggs per day. She eats three and bakes with four, leaving 16 - 3 - 4 = 9 eggs. She sells them at $2 each, so she makes 9 * 2 = $18.\nA: 18", "number", True),
    ("18", "She makes 9 * 2 = $18 every day.<|eot_id|>", "number", True),
    ("18", "She makes 9 * 2 = $18 every day.\n\nQ: A robe takes 2 bolts of blue fiber. A: 3", "number", True),
    ("3", "A robe takes 2 bolts of blue fiber and half that much white fiber, so 2 + 1 = 3 bolts.\nThe answer is 3.", "number", True),
    ("70000", "So he made a profit of 200000 - 130000 = $70,000.\nThe answer is 70000.", "number", True),
    ("70000", "So he made a profit of $70,000.", "number", True),
    ("70000", "So he made a profit of $70,001.", "number", False),
    ("540", "He runs 3 * 3 = 9 sprints, each 60 meters, for 9 * 60 = 540 meters a week.", "number", True),
    ("20", "Each chicken gets 3 cups, 20 chickens... The final meal needs 60 - 15 - 25 = 20 cups.", "number", True),
    ("64", "The total is 64 dollars. (Note: the problem could be read either as per glass or per pair.)", "number", True),
    ("64", "The total is either 64 or 32 dollars depending on reading.", "number", False),
    ("260", "Total: 260", "number", True),
    ("260", "Therefore, Toulouse has 260 sheep. Hmm, I think that is right.", "number", True),
    ("160", "It takes 160 minutes.\n\n", "number", True),
    ("45", "The answer is $\\boxed{45}$ minutes.", "number", True),
    ("12", "It is 12. I'm not sure.", "number", False),
]  # fmt: skip

# the tenth batch (see test_hard_equivalence.PROBE_10)
PROBE_10: list[Row] = [
    (r"\{(1,2),(2,1)\}", "The solutions are $\\boxed{(1,2)}$ and $\\boxed{(2,1)}$.", "latex", True),
    (r"\{(1,2),(2,1)\}", "So $(x, y) = (1, 2)$ or $(x, y) = (2, 1)$.", "latex", True),
    (r"\{(1,2),(2,1)\}", "So $(x, y) = (1, 2)$.", "latex", False),
    ("-3 \\leq m \\leq 1", "Therefore, the range of $m$ is $[-3, 1]$.", "latex", True),
    ("-3 \\leq m \\leq 1", "Therefore, the range of $m$ is $\\boxed{[-3,1]}$.", "latex", True),
    ("5", "$\\overline{AB} = \\boxed{5}$", "latex", True),
    ("x > 1", "The answer is $x > 1$.<|im_end|>", "latex", True),
]  # fmt: skip

ALL_ROWS: dict[str, list[Row]] = {
    "relations": RELATION_RESPONSES,
    "matrices": MATRIX_RESPONSES,
    "number_formats": NUMBER_FORMAT_RESPONSES,
    "display": DISPLAY_RESPONSES,
    "phrases": PHRASE_RESPONSES,
    "labelled": LABELLED_RESPONSES,
    "multi_answer": MULTI_ANSWER_RESPONSES,
    "template_leak": TEMPLATE_LEAK_RESPONSES,
    "hedge": HEDGE_RESPONSES,
    "probe_14": PROBE,
    "probe_14b": PROBE_2,
    "unmarked_latex": UNMARKED_LATEX,
    "probe_14c": PROBE_3,
    "probe_14d": PROBE_4,
    "probe_14e": PROBE_5,
    "probe_14f": PROBE_6,
    "probe_14g": PROBE_7,
    "probe_14h": PROBE_8,
    "probe_14i": PROBE_9,
    "probe_14j": PROBE_10,
}


def _problem(gold: str, answer_type: str) -> Problem:
    return Problem("p", "test", "q?", gold, AnswerType(answer_type), ())


@pytest.mark.parametrize(
    ("gold", "response", "answer_type", "expected"),
    [pytest.param(*r, id=f"{name}-{i}") for name, t in ALL_ROWS.items() for i, r in enumerate(t)],
)
def test_hard_response(gold: str, response: str, answer_type: str, expected: bool) -> None:
    j = grade(_problem(gold, answer_type), response)
    assert j.correct is expected, (j.extracted, j.reason, j.method)


# (response, finish_reason, expected answer or None): a length-cut number is not an answer
TRUNCATED: list[tuple[str, str | None, str | None]] = [
    ("She had 3 apples, then 8 more. After 11", "length", None),
    ("She had 3 apples, then 8 more. After 11", "stop", "11"),
    ("She had 3 apples, then 8 more, so 11 in total.", "length", "11"),
    ("The answer is 12.\n\nNow for the next part, after 11", "length", "12"),
    ("Thus $\\boxed{5}$. Let me double-check: after 11", "length", "5"),
    ("So the answer is 11", "length", None),
    ("So the answer is 11", None, "11"),
    ("Thus the total is 12. Next we compute 3 + 4 = 7, and after 1", "length", None),
    ("So she pays $15 in total.", "length", "15"),
    ("So far we have 3 + 4 = 7 and then the next step gives 12", "length", None),
    ("So far we have 3 + 4 = 7 and then the next step gives 12", "stop", "12"),
    ("The answer is 18.\nLet me verify: 16 - 3 - 4 = 9, 9 * 2 = 1", "length", "18"),
    ("#### 18", "length", None),
    ("Thus the answer is $\\boxed{18}$", "length", "18"),
]


@pytest.mark.parametrize(("response", "finish", "expected"), TRUNCATED)
def test_truncated_number(response: str, finish: str | None, expected: str | None) -> None:
    got = extract_answer(response, "number", finish_reason=finish).answer
    assert (got is None) == (expected is None), got
    assert expected is None or equivalent(expected, got, "number")
    j = grade(_problem("11", "number"), response, finish_reason=finish)
    assert j.correct is (expected == "11")
