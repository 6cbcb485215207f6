"""Placeholder: the jats reader is being written (claims no file yet)."""

NAME = "jats"
TRUST = 1


def looks_like(text: str) -> bool:
    return False


def read(text: str):
    raise ValueError("the jats reader is not written yet")
