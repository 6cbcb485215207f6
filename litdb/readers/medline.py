"""Placeholder: the medline reader is being written (claims no file yet)."""

NAME = "medline"
TRUST = 0


def looks_like(text: str) -> bool:
    return False


def read(text: str):
    raise ValueError("the medline reader is not written yet")
