"""Export: trained (merged) HF weights -> GGUF for llama.cpp / Ollama (see docs/train.md#export-to-gguf).
torch, safetensors and gguf load only when an export runs."""

from mammoth_math.export.archs import ARCHS, Arch, ExportError
from mammoth_math.export.gguf_export import TYPES, export_gguf

__all__ = ["ARCHS", "TYPES", "Arch", "ExportError", "export_gguf"]
