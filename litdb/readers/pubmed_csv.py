"""Placeholder: the pubmed_csv reader is being written (claims no file yet)."""

NAME = "pubmed_csv"
TRUST = 0


def looks_like(text: str) -> bool:
    return False


def read(text: str):
    raise ValueError("the pubmed_csv reader is not written yet")
