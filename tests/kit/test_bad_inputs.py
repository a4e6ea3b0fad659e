"""Every unusable command line of every command is one line on stderr, nothing on stdout, and exit 2 (`caaad run`'s
own are in tests/suite/test_run.py). In process: these fail before any work."""

import json
import re
import signal
import socket
from datetime import datetime, timezone

import pytest

from caaad.cli import main
from caaad.plugin import DEFAULT_ADAPTER, spec
from caaad.results import build_results

R = "{tmp}/results.json"  # a results.json of a run of no scenario
CASES = [
    # argparse's own errors: one line, not its usage block
    ([], r"caaad: the following arguments are required: COMMAND \(see caaad --help\)"),
    (["run", "--profile", "nobody"], r"caaad run: argument --profile: invalid choice: 'nobody' \(choose from 'all', .*\) "
                                     r"\(see caaad run --help\)"),
    (["serve", "--port", "abc"], r"caaad serve: argument --port: invalid int value: 'abc' \(see caaad serve --help\)"),
    (["trace", "--format", "yaml"], r"caaad trace: argument --format: invalid choice: 'yaml' .*"),
    (["verify", "{tmp}"], r"caaad verify: the following arguments are required: --key \(see caaad verify --help\)"),
    # caaad run, refused before anything runs
    (["run", "--out", ""], r"caaad: --out '': name the folder for the reports \(default caaad-report\)"),
    (["run", "-k", ""], r"caaad: -k '': an empty expression; leave -k out to run every scenario"),
    (["run", "-m", " "], r"caaad: -m ' ': an empty expression; leave -m out to run every scenario"),
    (["run", "--adapter", "http://127.0.0.1:99999"], r"caaad: --adapter http://127\.0\.0\.1:99999: adapter URL "
                                                     r"'http://127\.0\.0\.1:99999': Port out of range 0-65535"),
    (["run", "--adapter", "http://u:pw@127.0.0.1:1/x?y=1"], r"caaad: --adapter http://127\.0\.0\.1:1/x\?y=1: adapter URL "
                                                            r"'http://127\.0\.0\.1:1/x\?y=1' must not have a query or a fragment"),
    # caaad serve
    (["serve", "--port", "99999"], r"caaad: --port 99999: not a port number"),
    (["serve", "--token", "short"], r"caaad: --token: at least 16 printable ASCII characters without spaces"),
    (["serve", "--session-idle", "nan"], r"caaad: --session-idle nan: a number of seconds, more than 0"),
    (["serve", "--idle-connection", "0"], r"caaad: --idle-connection 0: a number of seconds, more than 0"),
    (["serve", "--max-sessions-per-client", "0"], r"caaad: --max-sessions-per-client 0: at least 1"),
    (["serve", "--db", "{tmp}/no/such/folder/s.db"], r"caaad: --db .+/no/such/folder/s\.db: unable to open database file"),
    (["serve", "--db", "{tmp}/not-a-db", "--port", "0"], r"caaad: --db .+/not-a-db: file is not a database"),
    (["serve", "--adapter", "http://example.org", "--port", "0"],
     r"caaad: --adapter http://example\.org: caaad serve serves a Python adapter \(module:Class\), not a URL"),
    (["serve", "--port", "{busy}"], r"caaad: cannot listen on 127\.0\.0\.1:\d+: Address already in use"),
    # the other commands' files
    (["diff", "{tmp}/none.json", R], r"caaad: .+/none\.json: No such file or directory"),
    (["diff", "{tmp}/not-a-db", R], r"caaad: .+/not-a-db: not a results\.json \(not JSON: .*\)"),
    (["diff", R, R, "-o", "{tmp}"], r"caaad: --output .+: Is a directory"),
    (["spec", "export", "-o", "{tmp}/no/such/x.json"], r"caaad: --output .+/no/such/x\.json: No such file or directory"),
    (["contract", "openapi", "-o", "{tmp}"], r"caaad: --output .+: Is a directory"),
    (["export", "oscal", "--results", "{tmp}/none.json"], r"caaad: .+/none\.json: No such file or directory"),
    (["spec", "show", "9.9.9"], r"caaad: unknown clause, statement or obligation id: 9\.9\.9"),
    (["trace", "--results", "{tmp}/none.json"], r"caaad: .+/none\.json: no such file"),
    (["trace", "--features", "{tmp}/none"], r"caaad: --features .+/none: no such directory"),
    (["certify", "--check", "--profile", "all", "--results", "{tmp}/none.json"], r"caaad: --results .+/none\.json: no such file"),
    (["certify", "--check", "--profile", "all", "--results", R, "--date", "2024-13-01"],
     r"caaad: --date 2024-13-01: not a date \(YYYY-MM-DD\)"),
    (["verify", "--key", "{tmp}/none.pub", "{tmp}/none"], r"caaad: .+/none: no such folder"),
    (["adapter", "new", "{tmp}/not-a-db"], r"caaad: .+/not-a-db: File exists"),
]


NOW = datetime(2024, 3, 1, 2, 0, tzinfo=timezone.utc)
EMPTY_RUN = build_results(scenarios=[], spec=spec(), adapter=DEFAULT_ADAPTER, profile="all", started=NOW, finished=NOW)


@pytest.fixture(autouse=True)
def signals_restored():
    """main() installs the kit's SIGINT/SIGTERM handlers: give pytest its own back."""
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    yield
    for s, handler in saved.items():
        signal.signal(s, handler)


@pytest.mark.parametrize(("args", "line"), CASES, ids=[" ".join(a)[:60] or "(none)" for a, _ in CASES])
def test_bad_command_line_is_one_line_on_stderr_and_exit_2(tmp_path, capsys, args, line):
    (tmp_path / "not-a-db").write_text("not JSON, not SQLite\n")
    (tmp_path / "results.json").write_text(json.dumps(EMPTY_RUN))
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        argv = [a.format(tmp=tmp_path, busy=busy.getsockname()[1]) for a in args]
        try:
            code = main(argv)
        except SystemExit as e:  # argparse's errors exit from within parse_args
            code = e.code
    out, err = capsys.readouterr()
    assert code == 2 and not out, (code, out)
    assert len(err.splitlines()) == 1 and re.fullmatch(line, err.strip()), err


def test_the_timeout_from_the_environment_is_checked_too(capsys, monkeypatch):
    monkeypatch.setenv("CAAAD_HTTP_TIMEOUT", "soon")
    assert main(["run", "--adapter", "http://127.0.0.1:1"]) == 2
    assert capsys.readouterr().err == "caaad: --adapter http://127.0.0.1:1: CAAAD_HTTP_TIMEOUT='soon' is not a number of seconds\n"
