"""The printable certificate (zh and en): one HTML page rendered from the bundle's own data, so that
`caaad verify` can render it again and compare it byte for byte."""

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from .rules import load_rules

TEMPLATES = Path(__file__).with_name("templates")


def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]),
                       undefined=StrictUndefined, keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)


def render_certificate(*, spec, results: dict, rollup: dict, manifest_fields: dict) -> str:
    """manifest_fields: kit, spec/features digests, contract version, auditor, key id, bundle digest."""
    rules = load_rules()
    describe = results["adapter"]["describe"] or {}
    # describe() as the contract defines it; a vendor field shows once the contract has one.
    system = {"name": describe.get("name", "—"), "version": describe.get("version", ""),
              "roles": describe.get("roles") or [], "vendor": describe.get("vendor")}
    titles = spec.standard.get("title", {})
    return _environment().get_template("certificate.html.j2").render(
        standard={"code": spec.standard.get("code"), "zh": titles.get("zh", ""), "en": titles.get("en", "")},
        system=system, rollup=rollup, m=manifest_fields,
        verdict_label=rules.data["verdicts"][rollup["verdict"]],
        state_label={k: v["zh"].split(" — ")[0] + " " + k for k, v in rules.data["states"].items()},
        obligations=spec.obligations)
