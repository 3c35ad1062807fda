"""Draft Studio: generate, pick and ship AI image drafts."""

__version__ = "0.1.0"
