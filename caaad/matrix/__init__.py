"""The traceability matrix: clause → obligation → scenarios → outcome, the reference rule and the broken variants
that fail each obligation, and the gaps (`caaad trace`, the website's matrix page, the run report's appendix).

inputs.py reads results.json, spec/known-gaps.yaml and spec/kill-matrix.yaml; matrix.py builds the matrix and
finds its gaps; render.py writes it as Markdown, JSON or CSV. The command line is in caaad/cli.py.
"""
