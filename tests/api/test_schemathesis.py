"""Schemathesis with every check, against the API served by gunicorn in its own process.

The server is seeded with published, scheduled and draft issues; requests carry an editor's
token (Schemathesis also sends them without it, to check what the schema says about
authentication) and the throttles are raised so that no request is refused for its rate.
Coverage, fuzzing and stateful phases all run; the number of examples per operation is
capped so that the run stays within a few minutes on a small machine.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.services import ROOT

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

MAX_EXAMPLES = 8
SEED = 20261201
PHASES = "examples,coverage,fuzzing,stateful"

# Operations where one check is off, and why. Nothing else is excluded.
URL_BY_CANONICALIZER = (
    "whether a URL names a usable host is decided by the canonicalizer (IDNA rules, label "
    "lengths); JSON Schema has no format for that, so valid-looking strings may get a 400"
)
URL_BY_DJANGO = (
    "URLs are checked by Django's URLValidator (a dotted host with a letter TLD, labels of "
    "at most 63 characters, a host of at most 253), stricter than the `uri` format"
)
WEBHOOK_TARGET = (
    "a webhook target must resolve to a public address, looked up when it is saved; no "
    "schema can say which host names resolve (and the test server resolves none)"
)
FEED_TARGET = (
    "a feed needs a URL when its kind is `feed` and a query when it is `arxiv` or `github`, "
    "checked together with the stored feed on PATCH; the schema states each field alone"
)
POSITIVE_DATA_ACCEPTANCE_OFF = {
    "POST /api/v1/articles/": URL_BY_CANONICALIZER,
    "POST /api/v1/issues/{id}/entries/": URL_BY_CANONICALIZER,
    "PATCH /api/v1/articles/{id}/": URL_BY_DJANGO,
    "POST /api/v1/sources/": URL_BY_DJANGO,
    "PATCH /api/v1/sources/{id}/": URL_BY_DJANGO,
    "POST /api/v1/webhooks/": WEBHOOK_TARGET,
    "PATCH /api/v1/webhooks/{id}/": WEBHOOK_TARGET,
    "POST /api/v1/sources/{id}/feeds/": FEED_TARGET,
    "PATCH /api/v1/feeds/{id}/": FEED_TARGET,
}


# Schemathesis's own list of statuses that reject a request, plus 414: gunicorn refuses a
# request line over 4094 bytes (documented on every operation) before the API sees it.
REJECTIONS = ["400", "401", "403", "404", "405", "406", "409", "414", "415", "422", "428", "429"]
# Schemathesis's list of answers to a schema-valid request, plus 412: an `If-Match` header is
# schema-valid whatever ETag it names, and one that is not the current ETag is
# refused with 412, as documented on every write that takes it.
ACCEPTANCES = ["2xx", "3xx", "401", "403", "404", "409", "412", "429", "5xx"]


def config_file(path: Path) -> Path:
    statuses = ", ".join(f'"{status}"' for status in [*REJECTIONS, "5xx"])
    accepted = ", ".join(f'"{status}"' for status in ACCEPTANCES)
    blocks = [
        f"[checks.negative_data_rejection]\nexpected-statuses = [{statuses}]\n",
        f"[checks.positive_data_acceptance]\nexpected-statuses = [{accepted}]\n",
    ]
    for name, reason in POSITIVE_DATA_ACCEPTANCE_OFF.items():
        blocks.append(
            f"# {reason}\n[[operations]]\ninclude-name = {name!r}\n"
            "checks.positive_data_acceptance.enabled = false\n"
        )
    path.write_text("\n".join(blocks))
    return path


@pytest.mark.timeout(900)
def test_schemathesis_finds_no_failure_with_every_check(seeded_server, tmp_path):
    base, token = seeded_server
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "--config-file",
        str(config_file(tmp_path / "schemathesis.toml")),
        "run",
        f"{base}/api/schema/?format=json",
        # Every check is on by default: naming them here would override the exclusions
        # below. object_level_authorization runs only with a second user's credentials.
        "--phases",
        PHASES,
        "--max-examples",
        str(MAX_EXAMPLES),
        "--seed",
        str(SEED),
        "--workers",
        "1",
        "--header",
        f"Authorization: Token {token}",
        "--request-timeout",
        "30",
        "--no-color",
    ]
    result = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=840, check=False
    )
    output = result.stdout + result.stderr
    summary = output[output.find("SUMMARY") :] if "SUMMARY" in output else output[-3000:]
    print(summary)

    assert result.returncode == 0, output[-20000:]
    generated = re.search(r"(\d+) generated", summary)
    assert generated and int(generated.group(1)) > 1000, summary
    selected = re.search(r"Selected: \d+/(\d+)", summary)
    tested = re.search(r"Tested: (\d+)", summary)
    assert selected and tested, summary
    assert int(tested.group(1)) == int(selected.group(1)) >= 38, summary
