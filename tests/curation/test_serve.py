"""`glaneur serve` refuses to start on static files that would make every page a 500.

The production storage (whitenoise's CompressedManifestStaticFilesStorage, in the dev and
production settings) looks each static file up in the manifest `collectstatic` writes. These
tests run the real command with those settings, in a data folder of their own, against the
test database.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import requests

from tests.processes import child_env, run_glaneur
from tests.webserver import GlaneurServer

pytestmark = pytest.mark.django_db(transaction=True)


def production_like(data_dir: Path) -> dict[str, str]:
    """The demo's settings (hashed static files), this folder, the test database."""
    return child_env(DJANGO_SETTINGS_MODULE="glaneur.settings.dev", GLANEUR_DATA_DIR=str(data_dir))


def serve_until_exit(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run `glaneur serve`; a server still running after a minute fails the test."""
    try:
        return run_glaneur("serve", "--bind", "127.0.0.1:0", "--workers", "1", env=env, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("glaneur serve started without collected static files")


def test_serve_refuses_to_start_before_collectstatic(tmp_path: Path) -> None:
    result = serve_until_exit(production_like(tmp_path))

    assert result.returncode != 0
    assert "glaneur collectstatic" in result.stderr
    assert str(tmp_path / "static") in result.stderr


def test_serve_refuses_static_files_collected_before_an_upgrade(tmp_path: Path) -> None:
    env = production_like(tmp_path)
    assert run_glaneur("collectstatic", "--noinput", env=env).returncode == 0
    # A file the new version ships that the old collection does not list.
    manifest_path = tmp_path / "static" / "staticfiles.json"
    manifest = json.loads(manifest_path.read_text())
    gone = sorted(manifest["paths"])[0]
    del manifest["paths"][gone]
    manifest_path.write_text(json.dumps(manifest))

    result = serve_until_exit(env)

    assert result.returncode != 0
    assert gone in result.stderr and "glaneur collectstatic" in result.stderr


def test_serve_after_collectstatic_serves_pages_and_their_static_files(tmp_path: Path) -> None:
    env = production_like(tmp_path)
    assert run_glaneur("collectstatic", "--noinput", env=env).returncode == 0
    server = GlaneurServer(
        workers=1, DJANGO_SETTINGS_MODULE="glaneur.settings.dev", GLANEUR_DATA_DIR=str(tmp_path)
    )
    try:
        server.start()
        page = requests.get(server.url("/"), timeout=30)
        [stylesheet] = [
            line.split('href="')[1].split('"')[0]
            for line in page.text.splitlines()
            if 'rel="stylesheet"' in line
        ]
        style = requests.get(server.url(stylesheet), timeout=30)
    finally:
        server.stop()

    assert page.status_code == 200
    assert style.status_code == 200 and style.headers["Content-Type"].startswith("text/css")
