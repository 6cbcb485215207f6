"""Placeholder: the pmc_page reader is being written (claims no file yet)."""

NAME = "pmc_page"
TRUST = 1


def looks_like(text: str) -> bool:
    return False


def read(text: str):
    raise ValueError("the pmc_page reader is not written yet")
