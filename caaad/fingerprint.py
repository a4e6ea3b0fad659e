"""Fingerprints of Chinese clause text, so that a change to reviewed text is noticed.

Normalisation: NFKC (full-width and half-width forms compare equal) and all whitespace
removed, so re-wrapping a line does not count as a change but any changed character does.
"""

import hashlib
import re
import unicodedata

_WHITESPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", text))


def fingerprint(text: str) -> str:
    return "sha256:" + hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()
