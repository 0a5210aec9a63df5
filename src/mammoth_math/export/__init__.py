"""Export: trained (merged) HF weights -> GGUF for llama.cpp / Ollama (see docs/train.md#export-to-gguf),
and a GGUF -> an HF directory for engines that read only those (vLLM; see docs/generate.md).
torch, safetensors and gguf load only when an export runs."""

from mammoth_math.export.archs import ARCHS, Arch, ExportError
from mammoth_math.export.gguf_export import TYPES, export_gguf
from mammoth_math.export.hf_export import DTYPES, export_hf

__all__ = ["ARCHS", "DTYPES", "TYPES", "Arch", "ExportError", "export_gguf", "export_hf"]
