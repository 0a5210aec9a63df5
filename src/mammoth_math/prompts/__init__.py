"""Prompts: MAmmoTH's Alpaca template, chat messages for instruct models, our few-shot exemplars, and
program extraction from responses."""

from mammoth_math.prompts.exemplars import STYLES, Exemplar, exemplars_for, style_for
from mammoth_math.prompts.program import extract_program
from mammoth_math.prompts.render import (
    ALPACA_STOP,
    MODES,
    PROMPT_STYLES,
    prompt_hash,
    prompt_text,
    render,
    stop_strings,
)
from mammoth_math.prompts.templates import ALPACA_TEMPLATE, POT_TRIGGER, format_choices

__all__ = [
    "ALPACA_STOP",
    "ALPACA_TEMPLATE",
    "MODES",
    "POT_TRIGGER",
    "PROMPT_STYLES",
    "STYLES",
    "Exemplar",
    "exemplars_for",
    "extract_program",
    "format_choices",
    "prompt_hash",
    "prompt_text",
    "render",
    "stop_strings",
    "style_for",
]
