"""Writes of the Telefooncentrale, one module per subject (STYLE.md: services)."""
