"""Where the system under test is, as a run is told (--adapter): "package.module:ClassName" or the URL of a system
served over the HTTP binding; what of it may be printed; and the defaults of the binding that the command line
states and `caaad serve` and the HTTP client use. Apart from both (caaad/serve.py, caaad/contract/http.py), whose
network modules (about 40 ms to import) a run of a Python adapter never needs."""

import urllib.parse

DEFAULT_TIMEOUT = 30.0
TIMEOUT_ENV = "CAAAD_HTTP_TIMEOUT"
TOKEN_ENV = "CAAAD_HTTP_TOKEN"  # sent as a bearer token (caaad serve's --token) unless the URL has credentials
# caaad serve
MAX_SESSIONS = 1000
MAX_SESSIONS_PER_CLIENT = 100  # a run holds one session per worker process; the rest is slack for leaks
SESSION_IDLE_S = 600.0  # a scenario pauses for seconds, not minutes; a crashed run's sessions go after this
IDLE_CONNECTION_S = 30.0


def is_url(spec: str) -> bool:
    return spec.lower().startswith(("http://", "https://"))


def redact(spec: str) -> str:
    """An adapter spec safe to print: a URL loses its user and password; anything else is unchanged."""
    if not is_url(spec):
        return spec
    parts = urllib.parse.urlsplit(spec)
    if "@" not in parts.netloc:
        return spec
    return urllib.parse.urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))
