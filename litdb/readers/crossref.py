"""Placeholder: the crossref reader is being written (claims no file yet)."""

NAME = "crossref"
TRUST = 1


def looks_like(text: str) -> bool:
    return False


def read(text: str):
    raise ValueError("the crossref reader is not written yet")
