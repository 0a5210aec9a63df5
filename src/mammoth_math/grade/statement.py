"""Where a response's answer statement is, as pure string work for extract.py.

- `cut_leak`: a response that runs on past its end of turn (`<|im_start|>user`, `</s>`, `<|eot_id|>`) is
  cut there, so the next turn's text is never read as this answer.
- `statement_at`: the text after an answer marker ("Answer:", "the answer is"), across line breaks when
  the answer is a display (`$$\\n9\\n$$`, `\\[..\\]`, `\\(..\\)`) or an environment still open at the end
  of the line (a matrix written over several lines).
- `phrase_answer`: "The volume of $ABCDEFGH$ is 120" -> "120"; "Tom has 15 apples" -> "15 apples".
- `last_math`: the last math segment of a LaTeX response, when nothing after it could be the answer, so
  a matrix, an interval or a relation in prose is taken whole rather than as its last number.
- `final_sentence`: the statement hedges are looked for in ("written in either English or German" in
  the question's own words, a line earlier, is not a hedge).
"""

from __future__ import annotations

import re

from mammoth_math.grade.relations import has_relation, top_level_equals

MAX_STATEMENT = 2000  # characters read after a marker (a display or a matrix, never a whole essay)

_LEAK = re.compile(
    r"<\|(?:im_start|im_end|endoftext|end_of_text|eot_id|eom_id|end|user|assistant|start_header_id)\|>"
    r"|</s>|<eos>|<end_of_turn>|<start_of_turn>|<\|begin_of_text\|>|<[|｜]end▁of▁sentence[|｜]>"
    # a run-on into the next turn of a plain-text template (Alpaca's "### Instruction:", "User:")
    r"|\n[ \t]*#{2,}[ \t]*(?:Instruction|Input|Response)[ \t]*:|\n[ \t]*(?:Human|User|USER)[ \t]*:"
)
_DISPLAYS = (("$$", "$$"), ("\\[", "\\]"), ("\\(", "\\)"))
_BEGIN = re.compile(r"\\begin\{([a-zA-Z*]+)\}")
_MATH_SEGMENT = re.compile(r"\$\$(.+?)\$\$|\\\[(.+?)\\\]|\\\((.+?)\\\)|(?<!\\)\$([^$]+?)(?<!\\)\$", re.S)
_COPULA = re.compile(r"\s(?:is|are|was|were|equals|equal to|becomes|will be|would be)\s+", re.I)
_NOUN_PHRASE = re.compile(r"^(?:the|a|an|its|his|her|their|our|this|that|each|every)\b", re.I)
_PROSE_WORD = re.compile(r"(?<![\\a-zA-Z])[a-zA-Z]{3,}")
_MATH_WORDS = {"sqrt", "frac", "pi", "infty", "sin", "cos", "tan", "log", "exp", "and"}
_NUMBERISH = re.compile(r"[-−]?\$?\d[\d,]*(?:\.\d+)?(?:\s*/\s*\d+)?%?")
# a plain relation at the end of a line: "x >= 5", "-2 < x < 3", "x != 1"
_PLAIN_RELATION = re.compile(
    r"(?:[-−]?[\d./]+\s*(?:<=?|>=?|≤|≥)\s*)?(?<![a-zA-Z])[a-zA-Z](?![a-zA-Z])\s*(?:<=?|>=?|!=|≤|≥|≠)\s*[-−]?[\d./]+"
)
_ALIGN_END = re.compile(
    r"\\end\{(align|aligned|eqnarray|gather|gathered|equation|multline|split)\*?\}\s*[.,]?\s*$"
)
_FREE_LETTER = re.compile(r"(?<![\\a-zA-Z])[a-zA-Z](?![a-zA-Z])")
_APPROX = re.compile(r"\\(?:approx|equiv)(?![a-zA-Z])|≈")
_MOD = re.compile(r"\s*\\pmod\s*\{[^{}]*\}\s*$|\s*\\pmod\s*\d+\s*$|\s*\(\s*\\(?:bmod|mod)\s*[^()]*\)\s*$")
_LEADING_VALUE = re.compile(
    r"^((?:[-−]?\$?\d[\d,]*(?:\.\d+)?%?|\$[^$]+\$)(?:\s+[a-zA-Z]+)?)\s*[,;(]\s*[a-zA-Z]"
)
_TRAILING = re.compile(r"(?<!\.)[,.]\s*$")  # a sentence's full stop or comma, not "0.333..."
_IS_THE_ANSWER = re.compile(
    r"\s*(?:is|was|would be)\s+(?:the|our|my)\s+(?:final\s+|correct\s+)?answer\s*[.!]?\s*$", re.I
)  # "$$\n9\n$$\nis the answer."
_SEGMENT_JOIN = re.compile(r"\s*(,)?\s*(?:(and|or)\s+)?", re.I)
_LIST_INTRO = re.compile(r"(?:\b(?:are|is|be|namely|either)|:)\s*$", re.I)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")


def cut_leak(text: str) -> str:
    m = _LEAK.search(text)
    return text[: m.start()] if m and text[: m.start()].strip() else text


def _open_env(text: str) -> bool:
    return len(_BEGIN.findall(text)) > len(re.findall(r"\\end\{", text)) or (
        len(re.findall(r"(?<!\\)\$", text)) % 2 == 1
    )


def statement_at(text: str, pos: int) -> str:
    """The answer statement starting at `pos` (just after its marker)."""
    rest = text[pos : pos + MAX_STATEMENT]
    head = rest.split("\n", 1)[0]
    # a marker that ends its line ("Answer:\n$$\n9\n$$"): the answer is on the next non-empty line
    # "**Final answer:** 20": the bold markers around the marker are not part of the answer
    rest = (
        rest[len(head) :].lstrip() if not head.strip(" \t*:") else re.sub(r"^[ \t]*(?:\*+[ \t]+)?", "", rest)
    )
    for opener, closer in _DISPLAYS:
        if rest.startswith(opener):
            end = rest.find(closer, len(opener))
            if end > 0:
                return rest[len(opener) : end].strip()
    lines = rest.split("\n")
    out = lines[0]
    for line in lines[1:]:
        if not _open_env(out):
            break
        out += " " + line
    return out.strip()


def _outside_math(text: str) -> str:
    return _MATH_SEGMENT.sub(" ", text)


def _prose(text: str) -> bool:
    return any(w.lower() not in _MATH_WORDS for w in _PROSE_WORD.findall(_outside_math(text)))


def phrase_answer(statement: str, math_answer: bool) -> str:
    """The answer inside a sentence-shaped statement; the statement itself when it is not prose.

    "<noun phrase> is X" -> X (the last copula outside math); otherwise, for math answers, a statement
    holding exactly one number or math segment -> that, with what follows it ("15 apples")."""
    if not _prose(statement):
        return statement
    segments = list(_MATH_SEGMENT.finditer(statement))
    hits = [
        m for m in _COPULA.finditer(statement) if not any(s.start() <= m.start() < s.end() for s in segments)
    ]
    if hits:
        head, tail = statement[: hits[-1].start()].strip(), statement[hits[-1].end() :].strip()
        if tail and _NOUN_PHRASE.match(head) and len(head.split()) <= 12:
            return tail
    if math_answer:
        lead = _LEADING_VALUE.match(statement)
        if lead:  # "7, written in either English or German", "$\\frac12$ (since ...)": the value first
            return lead.group(1).strip()
        numbers = list(_NUMBERISH.finditer(_outside_math(statement)))
        if len(segments) + len(numbers) == 1:
            first = segments[0] if segments else _NUMBERISH.search(statement)
            # a clause before it ("Tom has 15 apples"), not a name that holds a number ("June 20")
            if first and len(statement[: first.start()].split()) >= 2:
                return statement[first.start() :].strip()
    return statement


def last_math(text: str) -> str | None:
    """The content of the last math segment when only a short, number-free tail follows it on its
    line ("$\\begin{pmatrix} 2 \\\\ 1 \\end{pmatrix}$, as claimed."), or the last row of a closing
    `align`-like display; the right side of its last `=` unless it states a relation (`\\mathbf{M} = ...`
    -> the matrix, `a+b = 7` -> 7). None when the segment is the subject of what follows ("$f(x)$ is
    even") or a bare variable."""
    tail = text[-MAX_STATEMENT:]
    aligned = _last_aligned_row(tail)
    if aligned is not None:
        return _right_side(aligned) or None
    segments = list(_MATH_SEGMENT.finditer(tail))
    if not segments:
        return None
    found = segments[-1]
    if not (_closing_tail(tail[found.end() :]) or _IS_THE_ANSWER.match(tail[found.end() :])):
        return None
    content = next(g for g in found.groups() if g is not None).strip()
    if re.fullmatch(r"[a-zA-Z]", content):
        return None
    inner = _last_aligned_row(content)  # $$\\begin{aligned} ... &= 3. \\end{aligned}$$
    if inner is not None:
        return _right_side(inner) or None
    return _joined_segments(tail, segments) or _right_side(content) or None


def _joined_segments(tail: str, segments: list[re.Match[str]]) -> str | None:
    """ "The solutions are $(1,2)$ and $(3,4)$.", "$W(x)=1$ or $W(x)=-1$": the last segments of a sentence
    joined by "and"/"or"/commas are one answer listing its values ("or" is kept, as for joined boxes, so
    it lists solutions in LaTeX and is no single answer). Not ", or" (a restatement: "$50 \\cdot 12$, or
    $600$"), not different names ("$a = 2$ and $b = 5$"), not operands ("between $4$ and $6$")."""
    parts, gaps = [segments[-1]], []
    for prev in reversed(segments[:-1]):
        gap = _SEGMENT_JOIN.fullmatch(tail[prev.end() : parts[0].start()])
        if not gap or (gap.group(1) and gap.group(2) and gap.group(2).lower() == "or"):
            break
        parts.insert(0, prev)
        gaps.insert(0, (gap.group(2) or "").lower())
    if len(parts) < 2:
        return None
    contents = [_TRAILING.sub("", next(g for g in m.groups() if g is not None)).strip() for m in parts]
    eqs = [top_level_equals(c) for c in contents]
    labels = {c[: e[0]].strip() if len(e) == 1 else None for c, e in zip(contents, eqs, strict=True)}
    if any(has_relation(c) for c in contents) or len(labels) != 1 or any(len(e) > 1 for e in eqs):
        return None
    label = labels.pop()
    if label is None and any(eqs):
        return None
    # a bare "or" between values stays "or": a solution list in LaTeX, no single answer ("$3$ or $\\frac25$")
    # bare values list solutions only after "are"/"is"/"namely"/":" ("the solutions are $1$ and $3$"),
    # not as operands ("between $4$ and $6$", "the GCF of $180$ and $168$")
    if label is None and not _LIST_INTRO.search(tail[max(0, parts[0].start() - 40) : parts[0].start()]):
        return None
    return contents[0] + "".join(
        (" or " if g == "or" else ", ") + c for g, c in zip(gaps, contents[1:], strict=True)
    )


def _last_aligned_row(text: str) -> str | None:
    """The last row of an `align`-like display that closes `text` (`&= 3s^2.\\n\\end{align*}`)."""
    m = _ALIGN_END.search(text)
    if not m:
        return None
    opening = list(re.finditer(r"\\begin\{" + m.group(1) + r"\*?\}", text[: m.start()]))
    if not opening:
        return None
    body = text[opening[-1].end() : m.start()]
    rows = [r for r in _rows(body) if r.strip()]
    if not rows:
        return None
    row = re.sub(r"&|\\(?:Rightarrow|implies|qquad|quad)(?![a-zA-Z])", " ", rows[-1])
    return re.sub(r"\\label\{[^{}]*\}|\\nonumber|\\notag", "", row).strip()


def _rows(body: str) -> list[str]:
    """Split on `\\\\` outside nested environments (a matrix inside an align keeps its rows)."""
    out, depth, start = [], 0, 0
    for m in re.finditer(r"\\begin\{|\\end\{|\\\\", body):
        if m.group(0) == "\\begin{":
            depth += 1
        elif m.group(0) == "\\end{":
            depth -= 1
        elif depth == 0:
            out.append(body[start : m.start()])
            start = m.end()
    out.append(body[start:])
    return out


def computed_value(statement: str) -> str:
    """ "$3! \\times 5! = 720$", "$\\dfrac{324}{2}=162$ handshakes", "3 * 4 = 12": a computation whose
    left side holds no variable gives its result (an equation such as `x^2+y^2 = 25` stays whole)."""
    segments = list(_MATH_SEGMENT.finditer(statement))
    if len(segments) > 1:
        return statement
    if segments:
        seg = segments[0]
        content = next(g for g in seg.groups() if g is not None)
        before, after = statement[: seg.start()], statement[seg.end() :]
        if before.strip() or len(after.split()) > 3:
            return statement
    else:
        content, after = statement, ""
    eqs = top_level_equals(content)
    if not eqs or _FREE_LETTER.search(content[: eqs[0]]):
        return statement
    value = content[eqs[-1] + 1 :].strip()
    return f"{value} {after.strip()}".strip() if value else statement


def last_plain_relation(line: str) -> str | None:
    """A plain-text relation that holds the line's last number ("so x >= 5.")."""
    hits = list(_PLAIN_RELATION.finditer(line))
    if not hits or not _closing_tail(line[hits[-1].end() :]):
        return None
    return hits[-1].group(0)


def _closing_tail(after: str) -> bool:
    """What may follow a final answer on its line: a few number-free words, not a predicate about it
    ("$x > 2$ is impossible")."""
    return not (
        re.search(r"\d|\$|\\[\[(]|\n\s*\S", after)
        or len(after.strip()) > 40
        or len(after.split()) > 4
        or re.search(r"\b(?:is|are|was|were|be)\b", after)
    )


def _right_side(content: str) -> str:
    if has_relation(content.replace("\\left", "").replace("\\right", "")) or re.search(
        r"\\(?:le|ge|leq|geq|neq|ne)(?![a-zA-Z])", content
    ):
        return content
    # the last of "=", "\\approx", "\\equiv" at top level: "3! \\times 5! = 720", "n \\equiv 31 \\pmod{47}"
    cuts = [(i, i + 1) for i in top_level_equals(content)]
    cuts += [(m.start(), m.end()) for m in _APPROX.finditer(content)]
    if cuts:
        start, end = max(cuts)
        left, right = content[:start].strip(), content[end:].strip()
        right = _MOD.sub("", _TRAILING.sub("", right).strip()).strip()
        # "8 = x": the value is on the left
        content = left if re.fullmatch(r"[a-zA-Z]", right) and not re.fullmatch(r"[a-zA-Z]", left) else right
    return _TRAILING.sub("", content).strip()


def final_sentence(text: str) -> str:
    """The last sentence of the last line that states a number (the statement the fallback reads):
    "The total is 64 dollars. (Note: it could be read either way.)" -> "The total is 64 dollars."."""
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    if not lines:
        return ""
    pieces = [p for p in _SENTENCE_END.split(lines[-1].strip()) if p.strip()]
    stating = [p for p in pieces if re.search(r"\d", p)]
    return stating[-1] if stating else (pieces[-1] if pieces else lines[-1])
