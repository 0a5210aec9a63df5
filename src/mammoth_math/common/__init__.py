"""Leaf helpers with no dependencies on any stage (safe for every stage to import)."""
