"""Placeholder: the pubmed_xml reader is being written (claims no file yet)."""

NAME = "pubmed_xml"
TRUST = 0


def looks_like(text: str) -> bool:
    return False


def read(text: str):
    raise ValueError("the pubmed_xml reader is not written yet")
