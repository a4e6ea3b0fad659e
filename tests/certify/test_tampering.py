"""`caaad verify` against tampered bundles: each case names what broke, in one line, with exit 1.

Some cases re-sign the bundle with the auditor's own key after the change (a careless or dishonest signer):
the signature then holds, and only recomputing the roll-up, the verdict and the certificate catches them."""

import base64
import json
import shutil
from datetime import timedelta

import pytest
import yaml

from caaad import __version__
from caaad.certify import keys
from caaad.certify.bundle import FILES, canonical, sha256
from caaad.certify.days import china_today
from conftest import accept_everything, cli, dump, waive_open_run_parts, results_of


@pytest.fixture(scope="module")
def signed(runs, spec, keypair, tmp_path_factory):
    """A conformant merchant bundle."""
    from caaad.cli import main
    private, _ = keypair
    folder = tmp_path_factory.mktemp("signed")
    run = runs("merchant")
    template = folder / "template.yaml"
    assert main(["evidence", "template", "--profile", "merchant", "--out", str(template)]) == 0
    day = china_today().isoformat()
    data = accept_everything(yaml.safe_load(template.read_text(encoding="utf-8")), folder, day)
    waive_open_run_parts(data, spec, results_of(run), day, (china_today() + timedelta(days=90)).isoformat())
    evidence = dump(data, folder / "evidence.yaml")
    assert main(["certify", "--results", str(run / "results.json"), "--evidence", str(evidence), "--profile", "merchant",
                 "--out", str(folder / "bundle"), "--key", str(private), "--auditor", "lead-auditor-01"]) == 0
    return folder / "bundle"


@pytest.fixture
def bundle(signed, tmp_path):
    copy = tmp_path / "bundle"
    shutil.copytree(signed, copy)
    return copy


def verify(capsys, bundle, key):
    return cli(capsys, "verify", bundle, "--key", key)


def flip_byte(path, at=200):
    raw = bytearray(path.read_bytes())
    raw[at] ^= 0x01
    path.write_bytes(bytes(raw))


def resign(bundle, private_path, **manifest_changes):
    """What a signer holding the key does after changing files: new hashes, changed fields, a new signature."""
    manifest = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"] = {name: sha256((bundle / name).read_bytes()) for name in FILES}
    manifest.update(manifest_changes)
    raw = canonical(manifest)
    (bundle / "manifest.json").write_bytes(raw)
    (bundle / "manifest.sig").write_text(base64.b64encode(keys.load_private(private_path).sign(raw)).decode() + "\n")


def test_the_untouched_bundle_verifies(bundle, keypair, capsys):
    code, out, _ = verify(capsys, bundle, keypair[1])
    assert code == 0 and out.startswith("bundle verifies: profile merchant, verdict conformant")


@pytest.mark.parametrize("name", FILES)
def test_a_changed_byte_in_any_file(bundle, keypair, capsys, name):
    flip_byte(bundle / name)
    code, out, _ = verify(capsys, bundle, keypair[1])
    assert code == 1 and out.splitlines() == [
        f"{name}: changed since signing (now {sha256((bundle / name).read_bytes())}, the manifest says "
        f"{json.loads((bundle / 'manifest.json').read_text())['files'][name]})"]


def test_a_missing_file(bundle, keypair, capsys):
    (bundle / "junit.xml").unlink()
    code, out, _ = verify(capsys, bundle, keypair[1])
    assert code == 1 and out.splitlines() == ["junit.xml: listed in the manifest but missing"]


def test_an_extra_file(bundle, keypair, capsys):
    (bundle / "notes.txt").write_text("added later")
    code, out, _ = verify(capsys, bundle, keypair[1])
    assert code == 1 and out.splitlines() == ["notes.txt: not listed in the manifest (a file added to the bundle)"]


def test_a_missing_signature(bundle, keypair, capsys):
    (bundle / "manifest.sig").unlink()
    code, out, _ = verify(capsys, bundle, keypair[1])
    assert code == 1 and out.splitlines() == ["manifest.sig: missing: the manifest is not signed"]


def test_a_signature_that_is_not_one(bundle, keypair, capsys):
    (bundle / "manifest.sig").write_text("not a signature!\n")
    code, out, _ = verify(capsys, bundle, keypair[1])
    assert code == 1 and out.splitlines() == ["manifest.sig: not a base64 signature"]


def test_a_wrong_key(bundle, keypair, capsys, tmp_path):
    _, other, other_id = keys.generate(tmp_path / "other")
    code, out, _ = verify(capsys, bundle, other)
    signer = json.loads((bundle / "manifest.json").read_text())["key_id"]
    assert code == 1 and out.splitlines() == [
        f"manifest.sig: the bundle was signed with key {signer}, not with the key given ({other_id})"]


def test_a_manifest_edited_and_not_resigned(bundle, keypair, capsys):
    manifest = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
    manifest["profile"] = "platform"
    (bundle / "manifest.json").write_bytes(canonical(manifest))
    code, out, _ = verify(capsys, bundle, keypair[1])
    assert code == 1 and out.splitlines()[0] == "manifest.json: the signature does not hold: the manifest was changed after it was signed"


def test_a_manifest_reformatted_is_a_changed_manifest(bundle, keypair, capsys):
    manifest = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
    (bundle / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False))
    code, out, _ = verify(capsys, bundle, keypair[1])
    assert code == 1 and out.splitlines() == ["manifest.json: the signature does not hold: the manifest was changed after it was signed"]


def test_a_verdict_that_does_not_follow_from_the_evidence(bundle, keypair, capsys, spec):
    """Evidence changed to pending and the bundle re-signed: the roll-up and the verdict no longer follow."""
    data = yaml.safe_load((bundle / "evidence.yaml").read_text(encoding="utf-8"))
    entry = next(e for e in data["obligations"] if spec.obligations[e["obligation"]].mandatory)
    entry["items"][0].update(decision="pending", reviewer=None, date=None, artefacts=[])
    dump(data, bundle / "evidence.yaml")
    resign(bundle, keypair[0])
    code, out, _ = verify(capsys, bundle, keypair[1])
    lines = out.splitlines()
    assert code == 1
    assert f"rollup.json: {entry['obligation']} is satisfied, but recomputed from the files it is open" in lines
    assert "manifest.json: verdict is conformant, but the bundle's files give incomplete" in lines
    assert "certificate.html: does not follow from the bundle's files (rendered again, it differs)" in lines


def test_a_verdict_edited_in_manifest_and_rollup_then_resigned(bundle, keypair, capsys):
    rollup = json.loads((bundle / "rollup.json").read_text(encoding="utf-8"))
    rollup["verdict"] = "not_conformant"
    (bundle / "rollup.json").write_text(json.dumps(rollup, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    resign(bundle, keypair[0], verdict="not_conformant")
    code, out, _ = verify(capsys, bundle, keypair[1])
    lines = out.splitlines()
    assert code == 1
    assert "rollup.json: verdict is not_conformant, but recomputed from the files it is conformant" in lines
    assert "manifest.json: verdict is not_conformant, but the bundle's files give conformant" in lines


def test_a_scenario_outcome_edited_in_the_results(bundle, keypair, capsys):
    """A failed scenario rewritten as passed would be caught by its hash; here a passed one is rewritten as failed
    and the bundle re-signed: the results' own roll-up no longer follows, nor does the verdict."""
    results = json.loads((bundle / "results.json").read_text(encoding="utf-8"))
    scenario = next(s for s in results["scenarios"] if s["outcome"] == "passed")
    scenario["outcome"] = "failed"
    (bundle / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    resign(bundle, keypair[0])
    code, out, _ = verify(capsys, bundle, keypair[1])
    assert code == 1
    assert any(line.startswith("the bundle's results.json: $.obligations[") and f"{scenario['obligations'][0]} is passed but "
               "its scenarios roll up to failed: the file was edited or is broken" in line for line in out.splitlines()), out
    assert "manifest.json: verdict is conformant, but the bundle's files give not_conformant" in out.splitlines()


def test_results_made_by_another_spec_than_the_bundle_claims(bundle, keypair, capsys, spec):
    results = json.loads((bundle / "results.json").read_text(encoding="utf-8"))
    other = "sha256:" + "0" * 64
    results["spec_digest"] = other
    (bundle / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    resign(bundle, keypair[0])
    code, out, _ = verify(capsys, bundle, keypair[1])
    lines = out.splitlines()
    assert code == 1
    assert f"the bundle's results.json: $.spec_digest: made with spec {other}, this kit's spec is {spec.digest}" in lines
    assert f"manifest.json: spec_digest is {spec.digest}, but the bundle's files give {other}" in lines


def test_a_bundle_claiming_another_spec(bundle, keypair, capsys, spec):
    other = "sha256:" + "f" * 64
    resign(bundle, keypair[0], spec_digest=other)
    code, out, _ = verify(capsys, bundle, keypair[1])
    assert code == 1 and out.splitlines() == [
        f"manifest.json: the bundle claims spec {other}, this kit's spec is {spec.digest}: its verdict cannot be recomputed with another spec"]


def test_a_bundle_made_by_another_kit_version(bundle, keypair, capsys):
    resign(bundle, keypair[0], kit={"name": "caaad-conformance", "version": "0.0.9"})
    code, out, _ = verify(capsys, bundle, keypair[1])
    assert code == 1 and out.splitlines() == [
        f"manifest.json: made by caaad 0.0.9, this is caaad {__version__}: verify it with that version "
        "(pip install caaad-conformance==0.0.9) to recompute its verdict"]


def test_a_certificate_replaced_and_resigned(bundle, keypair, capsys):
    page = (bundle / "certificate.html").read_text(encoding="utf-8")
    (bundle / "certificate.html").write_text(page.replace("lead-auditor-01", "chief-auditor"), encoding="utf-8")
    resign(bundle, keypair[0])
    code, out, _ = verify(capsys, bundle, keypair[1])
    assert code == 1 and out.splitlines() == ["certificate.html: does not follow from the bundle's files (rendered again, it differs)"]


def test_a_manifest_naming_a_file_outside_the_bundle(bundle, keypair, capsys):
    manifest = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"]["../evidence.yaml"] = manifest["files"]["evidence.yaml"]
    raw = canonical(manifest)
    (bundle / "manifest.json").write_bytes(raw)
    (bundle / "manifest.sig").write_text(base64.b64encode(keys.load_private(keypair[0]).sign(raw)).decode())
    code, out, _ = verify(capsys, bundle, keypair[1])
    assert code == 1 and out.splitlines() == ["manifest.json: lists '../evidence.yaml', which is not a file of a certification bundle"]


def test_unusable_arguments_exit_2(bundle, keypair, capsys, tmp_path):
    code, _, err = verify(capsys, tmp_path / "nowhere", keypair[1])
    assert code == 2 and err == f"caaad: {tmp_path / 'nowhere'}: no such folder\n"
    code, _, err = verify(capsys, bundle, keypair[0])
    assert code == 2 and err == f"caaad: --key {keypair[0]}: not a PEM public key (give auditor.pub, not the private key)\n"


def test_a_profile_changed_and_resigned(bundle, keypair, capsys):
    resign(bundle, keypair[0], profile="platform")
    code, out, _ = verify(capsys, bundle, keypair[1])
    assert code == 1 and out.splitlines() == [
        "the bundle's results.json: $.profile: the run is for profile merchant, not platform: run with --profile platform"]


def test_a_rollup_that_is_not_a_rollup_and_a_declaration_without_roles(bundle, keypair, capsys):
    """Malformed files signed by something else than caaad certify: lines, never a traceback."""
    (bundle / "rollup.json").write_text("[]")
    results = json.loads((bundle / "results.json").read_text(encoding="utf-8"))
    results["adapter"]["describe"] = {}
    (bundle / "results.json").write_text(json.dumps(results, ensure_ascii=False), encoding="utf-8")
    resign(bundle, keypair[0])
    code, out, _ = verify(capsys, bundle, keypair[1])
    lines = out.splitlines()
    assert code == 1
    assert "the bundle's results.json: $.adapter.describe.roles: profile merchant needs the role(s) merchant, but the system declares none" in lines
    assert "rollup.json: verdict is null, but recomputed from the files it is conformant" in lines
    assert "manifest.json: system is {\"name\": \"caaad reference system\", \"version\": \"0.1.0\"}, but the bundle's files give {\"name\": null, \"version\": null}" in lines


def test_a_bundle_dated_before_its_run(bundle, keypair, capsys):
    resign(bundle, keypair[0], certification_date="2024-01-01")
    code, out, _ = verify(capsys, bundle, keypair[1])
    finished = json.loads((bundle / "results.json").read_text(encoding="utf-8"))["finished_at"]
    assert code == 1 and f"manifest.json: certified on 2024-01-01, before the run finished ({finished})" in out.splitlines()


def test_a_junit_xml_of_another_run_resigned(bundle, keypair, capsys, runs):
    (bundle / "junit.xml").write_bytes((runs("platform") / "junit.xml").read_bytes())
    resign(bundle, keypair[0])
    code, out, _ = verify(capsys, bundle, keypair[1])
    lines = out.splitlines()
    assert code == 1 and any(line.startswith("the bundle's junit.xml: not the run of results.json: ") for line in lines), lines
    assert "manifest.json: bundle_digest is" in out  # the digest the certificate shows named the signed junit.xml
