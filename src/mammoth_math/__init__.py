"""mammoth-math: build and judge math-generalist LLMs the MAmmoTH way."""

__version__ = "0.1.0"
