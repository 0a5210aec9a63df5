"""Evaluation: resumable, cached, sharded benchmark runs with maj@N / pass@k, summary and HTML report."""

from mammoth_math.evaluate.cache import CachingBackend, GenerationCache, cache_key, default_cache_dir
from mammoth_math.evaluate.compare import compare_runs, format_compare
from mammoth_math.evaluate.config import VOTE, EvalConfig, EvalError, eval_modes, parse_options
from mammoth_math.evaluate.merge import merge_runs
from mammoth_math.evaluate.metrics import group_answers, majority, pass_at_k
from mammoth_math.evaluate.report import render_report, write_report
from mammoth_math.evaluate.runner import read_samples, run_eval
from mammoth_math.evaluate.summary import TIMING_FIELDS, build_summary, format_table

__all__ = [
    "TIMING_FIELDS",
    "VOTE",
    "CachingBackend",
    "EvalConfig",
    "EvalError",
    "GenerationCache",
    "build_summary",
    "cache_key",
    "compare_runs",
    "default_cache_dir",
    "eval_modes",
    "format_compare",
    "format_table",
    "group_answers",
    "majority",
    "merge_runs",
    "parse_options",
    "pass_at_k",
    "read_samples",
    "render_report",
    "run_eval",
    "write_report",
]
