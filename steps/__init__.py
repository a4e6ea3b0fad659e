"""Step definitions of the conformance suite, in the vocabulary of T/CAAAD 001—2023 (see suite.py)."""
