"""Training sources: one module per source, registered by name."""

from mammoth_math.curate.sources.base import LoadOptions, SourceSpec, find_file
from mammoth_math.curate.sources.registry import SOURCES, get_source, source_names

__all__ = ["SOURCES", "LoadOptions", "SourceSpec", "find_file", "get_source", "source_names"]
