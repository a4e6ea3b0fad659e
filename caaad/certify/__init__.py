"""Certification by an auditor: evidence files, the roll-up to a verdict per profile, the signed bundle and
its offline verification. One job per module: rules (the roll-up rules as data), submission (results.json
and the acceptance rules), evidence (template and validation), rollup, certificate, keys, bundle, commands."""
