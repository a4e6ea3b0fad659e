"""The auditor's commands with arguments they cannot use: one line, exit 2, nothing written."""

import os
import stat
from datetime import timedelta

import pytest
import yaml

from caaad.certify.days import china_today
from conftest import accept_everything, cli, dump

EMPTY = "format: 1\nprofile: merchant\nobligations: []\nwaivers: []\n"


def test_keys_are_written_private_and_never_overwritten(tmp_path, capsys):
    code, out, _ = cli(capsys, "keys", "generate", "--out", tmp_path / "k")
    assert code == 0 and out.startswith(f"wrote {tmp_path / 'k' / 'auditor.key'} (private, mode 0600")
    assert stat.S_IMODE((tmp_path / "k" / "auditor.key").stat().st_mode) == 0o600
    assert (tmp_path / "k" / "auditor.pub").read_text().startswith("-----BEGIN PUBLIC KEY-----")
    before = (tmp_path / "k" / "auditor.key").read_bytes()
    code, _, err = cli(capsys, "keys", "generate", "--out", tmp_path / "k")
    assert (code, err) == (2, f"caaad: {tmp_path / 'k' / 'auditor.key'} exists; a key is never overwritten (move it away first)\n")
    assert (tmp_path / "k" / "auditor.key").read_bytes() == before


@pytest.fixture
def certify(runs, keypair, tmp_path, capsys):
    evidence = tmp_path / "evidence.yaml"
    evidence.write_text(EMPTY)

    def run(*changes, **options):
        args = {"--results": runs("merchant") / "results.json", "--evidence": evidence, "--profile": "merchant",
                "--out": tmp_path / "bundle", "--key": keypair[0], "--auditor": "lead-auditor-01", **options}
        argv = ["certify"] + [x for k, v in args.items() if v is not None for x in (k, v)]
        return cli(capsys, *argv)
    return run


def test_an_auditor_named_as_a_person(certify, tmp_path):
    code, _, err = certify(**{"--auditor": "Wang Fang"})
    assert (code, err) == (2, "caaad: --auditor 'Wang Fang': a role name or id (letters, digits, . _ : -), never a person's name\n")
    assert not (tmp_path / "bundle").exists()


def test_dates(certify, runs):
    tomorrow = (china_today() + timedelta(days=1)).isoformat()
    assert certify(**{"--date": tomorrow})[::2] == (2, f"caaad: --date {tomorrow}: in the future (today is {china_today().isoformat()} China time)\n")
    assert certify(**{"--date": "2026-13-01"})[::2] == (2, "caaad: --date 2026-13-01: not a date (YYYY-MM-DD)\n")
    import json
    finished = json.loads((runs("merchant") / "results.json").read_text())["finished_at"]
    assert certify(**{"--date": "2024-01-01"})[::2] == (2, f"caaad: --date 2024-01-01: before the run finished ({finished})\n")


def test_a_key_readable_by_others(certify, keypair, tmp_path):
    loose = tmp_path / "loose.key"
    loose.write_bytes(keypair[0].read_bytes())
    os.chmod(loose, 0o644)
    code, _, err = certify(**{"--key": loose})
    assert (code, err) == (2, f"caaad: --key {loose}: readable by others (mode 644); chmod 600 it\n")


def test_a_bundle_is_never_overwritten(certify, tmp_path):
    (tmp_path / "bundle").mkdir()
    (tmp_path / "bundle" / "old.txt").write_text("a previous bundle")
    code, _, err = certify()
    assert (code, err) == (2, f"caaad: --out {tmp_path / 'bundle'} exists and is not an empty folder; a bundle is never overwritten\n")


def test_certify_needs_its_options_unless_checking(certify):
    assert certify(**{"--key": None})[::2] == (2, "caaad: --key is required (unless --check)\n")


def test_no_junit_beside_the_results(certify, runs, tmp_path):
    results = tmp_path / "elsewhere" / "results.json"
    results.parent.mkdir()
    results.write_bytes((runs("merchant") / "results.json").read_bytes())
    code, _, err = certify(**{"--results": results})
    assert (code, err) == (2, f"caaad: --junit {results.parent / 'junit.xml'}: no such file\n")


def test_the_template_is_never_overwritten_and_fits_its_run(runs, tmp_path, capsys):
    out = tmp_path / "evidence.yaml"
    out.write_text("decisions")
    code, _, err = cli(capsys, "evidence", "template", "--profile", "merchant", "--out", out)
    assert (code, err) == (2, f"caaad: --out {out} exists; an evidence file is never overwritten (it holds decisions)\n")
    results = runs("merchant") / "results.json"
    code, _, err = cli(capsys, "evidence", "template", "--profile", "platform", "--results", results, "--out", tmp_path / "p.yaml")
    assert (code, err) == (2, f"caaad: --results {results}: the run is for profile merchant, not platform\n")


def test_artefact_contents_never_enter_the_bundle(runs, keypair, tmp_path, capsys):
    template = tmp_path / "template.yaml"
    assert cli(capsys, "evidence", "template", "--profile", "merchant", "--out", template)[0] == 0
    data = accept_everything(yaml.safe_load(template.read_text(encoding="utf-8")), tmp_path, china_today().isoformat())
    secret = b"consumer record: order 4711, phone 13800138000"
    path = tmp_path / "artefacts" / data["obligations"][0]["items"][0]["artefacts"][0]["path"].split("/")[-1]
    path.write_bytes(secret)
    import hashlib
    data["obligations"][0]["items"][0]["artefacts"][0]["sha256"] = hashlib.sha256(secret).hexdigest()
    code, out, err = cli(capsys, "certify", "--results", runs("merchant") / "results.json", "--evidence", dump(data, tmp_path / "e.yaml"),
                         "--profile", "merchant", "--out", tmp_path / "bundle", "--key", keypair[0], "--auditor", "lead-auditor-01")
    assert code == 0, out + err
    for f in (tmp_path / "bundle").iterdir():
        assert b"13800138000" not in f.read_bytes() and b"order 4711" not in f.read_bytes(), f.name
