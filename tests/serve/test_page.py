"""The page at / in real headless Chromium: LaTeX preview, solve, streamed generation, final answer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed at /usr/bin/chromium"),
]


@pytest.fixture()
def page(server) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            p = browser.new_page()
            errors: list[str] = []
            p.on("pageerror", lambda e: errors.append(str(e)))
            p.on("requestfailed", lambda r: errors.append(f"request failed: {r.url}"))
            p.goto(server.url + "/")
            yield p, errors
        finally:
            browser.close()


def test_page_solves_and_shows_the_answer(page: Any) -> None:
    page, errors = page
    page.fill("#question", r"What is $\frac{1}{2} + \frac{1}{2}$?")
    # the vendored KaTeX renders the preview
    page.wait_for_selector("#preview .katex", timeout=10_000)
    page.select_option("#mode", "cot")
    page.fill("#max-tokens", "16")
    page.click("#solve")
    page.wait_for_selector("#answer[data-state=done], #answer[data-state=error]", timeout=180_000)
    assert page.get_attribute("#answer", "data-state") == "done", page.inner_text("#answer")
    assert page.inner_text("#answer").strip()  # an answer or "(no answer)"
    assert page.inner_text("#stream").strip()  # the generation streamed into the page
    assert "mode used: cot" in page.inner_text("#meta")
    assert page.is_visible("#rationale-section")
    assert page.is_enabled("#solve")
    assert errors == []


def test_page_shows_server_errors(page: Any) -> None:
    page, _ = page
    # a limit the page does not enforce itself: the server's max_tokens ceiling
    page.fill("#question", "What is 1 + 1?")
    page.evaluate("document.getElementById('max-tokens').removeAttribute('max')")
    page.fill("#max-tokens", "999999")
    page.click("#solve")
    page.wait_for_selector("#answer[data-state=error]", timeout=30_000)
    assert "422" in page.inner_text("#answer") and "max_tokens" in page.inner_text("#answer")
