"""Placeholder: the ris reader is being written (claims no file yet)."""

NAME = "ris"
TRUST = 3


def looks_like(text: str) -> bool:
    return False


def read(text: str):
    raise ValueError("the ris reader is not written yet")
