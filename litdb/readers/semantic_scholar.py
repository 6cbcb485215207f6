"""Placeholder: the semantic_scholar reader is being written (claims no file yet)."""

NAME = "semantic_scholar"
TRUST = 2


def looks_like(text: str) -> bool:
    return False


def read(text: str):
    raise ValueError("the semantic_scholar reader is not written yet")
