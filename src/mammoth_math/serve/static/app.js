// The page: preview LaTeX as the user types, POST to /v1/solve/stream and show events as they arrive.
// Plain browser JS, no build step; KaTeX is vendored under /static/vendor/katex/.
"use strict";

const $ = (id) => document.getElementById(id);
const DELIMITERS = [
  { left: "$$", right: "$$", display: true },
  { left: "\\[", right: "\\]", display: true },
  { left: "\\(", right: "\\)", display: false },
  { left: "$", right: "$", display: false },
];

function renderMath(el, text) {
  el.textContent = text;
  if (window.renderMathInElement) {
    window.renderMathInElement(el, { delimiters: DELIMITERS, throwOnError: false });
  }
}

// A final answer is usually bare LaTeX (\frac{1}{2}) or a number: render it as math when KaTeX accepts it.
function renderAnswer(el, answer) {
  el.textContent = answer;
  if (window.katex && /[\\^_{}]/.test(answer)) {
    try { window.katex.render(answer, el, { throwOnError: true }); } catch (_) { el.textContent = answer; }
  }
}

function setStatus(text) { $("status").textContent = text; }

function showError(message) {
  const el = $("answer");
  el.dataset.state = "error";
  el.textContent = message;
  setStatus("");
}

function showResult(r) {
  const el = $("answer");
  renderAnswer(el, r.answer == null ? "(no answer)" : String(r.answer));
  el.dataset.state = "done";
  let meta = `mode used: ${r.mode_used} · ${r.seconds.toFixed(2)} s`;
  if (r.fallback_reason) meta += ` · fell back to reasoning: ${r.fallback_reason}`;
  $("meta").textContent = meta;
  if (r.program) {
    $("program-section").hidden = false;
    $("program").textContent = r.program;
    const ex = r.execution || {};
    let out = ex.stdout || "";
    if (ex.error) out += (out ? "\n" : "") + ex.error;
    $("output").textContent = `[${ex.status || "not run"}] ` + (out || "(no output)");
  }
  if (r.rationale) {
    $("rationale-section").hidden = false;
    renderMath($("rationale"), r.rationale);
  }
  setStatus("");
}

// Split a text/event-stream into events; `onEvent(name, data)` gets each one.
async function readEvents(response, onEvent) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let cut;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      let name = "message", data = "";
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) name = line.slice(6).trim();
        else if (line.startsWith("data:")) data += line.slice(5).trim();
      }
      if (data) onEvent(name, JSON.parse(data));
    }
  }
}

async function solve(ev) {
  ev.preventDefault();
  const question = $("question").value;
  if (!question.trim()) { showError("Type a problem first."); return; }
  const body = { question, mode: $("mode").value };
  const maxTokens = parseInt($("max-tokens").value, 10);
  if (maxTokens > 0) body.max_tokens = maxTokens;
  for (const id of ["stream", "program", "output", "meta"]) $(id).textContent = "";
  $("program-section").hidden = true;
  $("rationale-section").hidden = true;
  $("answer").textContent = "";
  $("answer").dataset.state = "running";
  $("solve").disabled = true;
  setStatus("solving…");
  try {
    const response = await fetch("/v1/solve/stream", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
      body: JSON.stringify(body),
    });
    if (!response.ok) {
      let detail = response.statusText;
      try { detail = (await response.json()).detail; } catch (_) { /* not JSON */ }
      showError(`${response.status}: ${detail}`);
      return;
    }
    let finished = false;
    await readEvents(response, (name, data) => {
      if (name === "token") $("stream").textContent += data.text;
      else if (name === "result") { finished = true; showResult(data); }
      else if (name === "error") { finished = true; showError(data.detail); }
    });
    if (!finished) showError("the connection closed before a result arrived");
  } catch (err) {
    showError(`request failed: ${err}`);
  } finally {
    $("solve").disabled = false;
  }
}

let previewTimer = null;
function schedulePreview() {
  clearTimeout(previewTimer);
  previewTimer = setTimeout(() => renderMath($("preview"), $("question").value), 150);
}

document.addEventListener("DOMContentLoaded", () => {
  $("solve-form").addEventListener("submit", solve);
  $("question").addEventListener("input", schedulePreview);
  schedulePreview();
});
