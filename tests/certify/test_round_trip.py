"""For each profile, against the reference system: template → filled evidence → certify → verify, and the
three verdicts — conformant, not conformant (one rejected item), incomplete (one pending item)."""

import copy
import json
from datetime import timedelta

import pytest
import yaml

from caaad import outcomes
from caaad.certify.days import china_today
from conftest import PROFILES, accept_everything, cli, dump, results_of, waive_open_run_parts


def certify(capsys, run, evidence, profile, out, key, day):
    return cli(capsys, "certify", "--results", run / "results.json", "--evidence", evidence, "--profile", profile,
               "--out", out, "--key", key, "--auditor", "lead-auditor-01", "--date", day)


def manifest_of(bundle):
    return json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("profile", PROFILES)
def test_round_trip(profile, runs, spec, keypair, tmp_path, capsys):
    private, public = keypair
    run = runs(profile)
    results = results_of(run)
    today = china_today()
    day, expires = today.isoformat(), (today + timedelta(days=180)).isoformat()

    template = tmp_path / "evidence.yaml"
    code, out, _ = cli(capsys, "evidence", "template", "--profile", profile, "--results", run / "results.json", "--out", template)
    assert code == 0
    data = yaml.safe_load(template.read_text(encoding="utf-8"))
    in_scope = [o for o in spec.obligations.values() if outcomes.in_profile(o, profile)]
    assert [e["obligation"] for e in data["obligations"]] == [o.id for o in in_scope if o.mode != "automated"]
    for entry in data["obligations"]:
        o = spec.obligations[entry["obligation"]]
        assert entry["fingerprint"] == o.fingerprint and entry["text"] == {"zh": o.text.zh, "en": o.text.en}
        assert [(i["id"], i["criterion"]["zh"], i["examine"]["en"], i["decision"]) for i in entry["items"]] == \
            [(e.id, e.criterion.zh, e.examine.en, "pending") for e in o.evidence]
    assert f"wrote {template}: {len(data['obligations'])} obligation(s)" in out

    # The template as written: nothing decided yet, so incomplete.
    code, out, _ = certify(capsys, run, template, profile, tmp_path / "as-written", private, day)
    assert code == 0 and manifest_of(tmp_path / "as-written")["verdict"] == "incomplete"

    filled = accept_everything(copy.deepcopy(data), tmp_path, day)
    waived = waive_open_run_parts(filled, spec, results, day, expires)
    # The reference system fails no scenario; what stays open is the kit's own gaps (obligations with no
    # scenario yet) and any scenario whose precondition the system cannot reach: only a waiver closes them.
    assert all(results["summary"]["scenarios"].get(k, 0) == 0 for k in ("failed", "error"))
    by_id = {s["id"]: s for s in results["scenarios"]}
    for row in results["obligations"]:
        if row["id"] in waived:
            assert row["outcome"] == "not_tested" and all(
                by_id[sid]["message"].removeprefix("not_tested: ").startswith("precondition not reachable")
                for sid in row["scenarios"] if by_id[sid]["outcome"] == "not_tested"), row

    verdicts = {}
    for name, change in (("conformant", None), ("rejected", "rejected"), ("pending", "pending")):
        version = copy.deepcopy(filled)
        target = next(e for e in version["obligations"] if spec.obligations[e["obligation"]].mandatory)
        if change == "rejected":
            target["items"][0].update(decision="rejected", note="the sampled records lack the consumer's confirmation")
        elif change == "pending":
            target["items"][0].update(decision="pending", reviewer=None, date=None, artefacts=[])
        bundle = tmp_path / f"bundle-{name}"
        code, out, err = certify(capsys, run, dump(version, tmp_path / f"{name}.yaml"), profile, bundle, private, day)
        assert code == 0, out + err
        verify_code, verify_out, _ = cli(capsys, "verify", bundle, "--key", public)
        assert verify_code == 0 and verify_out.startswith(f"bundle verifies: profile {profile}"), verify_out
        rollup = json.loads((bundle / "rollup.json").read_text(encoding="utf-8"))
        verdicts[name] = (manifest_of(bundle)["verdict"], rollup, target["obligation"])
        assert sorted(p.name for p in bundle.iterdir()) == ["certificate.html", "evidence.yaml", "junit.xml",
                                                            "manifest.json", "manifest.sig", "results.json", "rollup.json"]

    verdict, rollup, _ = verdicts["conformant"]
    assert verdict == "conformant" and rollup["open"] == [] and rollup["nonconformities"] == []
    assert rollup["waived"] == waived
    assert {r["id"] for r in rollup["obligations"]} == {o.id for o in in_scope}
    certificate = (tmp_path / "bundle-conformant" / "certificate.html").read_text(encoding="utf-8")
    assert "符合 · conformant" in certificate and "lead-auditor-01" in certificate
    assert manifest_of(tmp_path / "bundle-conformant")["bundle_digest"] in certificate
    assert all(f"<code>{oid}</code>" in certificate for oid in waived)

    verdict, rollup, target = verdicts["rejected"]
    assert verdict == "not_conformant" and rollup["nonconformities"] == [target]
    verdict, rollup, target = verdicts["pending"]
    assert verdict == "incomplete" and rollup["open"] == [target] and rollup["nonconformities"] == []
