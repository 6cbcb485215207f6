"""Placeholder: the openalex reader is being written (claims no file yet)."""

NAME = "openalex"
TRUST = 2


def looks_like(text: str) -> bool:
    return False


def read(text: str):
    raise ValueError("the openalex reader is not written yet")
