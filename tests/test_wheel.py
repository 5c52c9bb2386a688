"""A wheel built from a clean checkout carries compiled catalogues and speaks Dutch and French.

The ``.mo`` files are ignored by git; the build (setup.py) compiles them. The
test copies what a checkout would hold, builds a wheel from it, installs the
wheel into a fresh virtualenv (borrowing only the dependencies of the running
one) and asks the installed app for the survey in Dutch and in French. It uses
public entry points only: the ``klimaatpeil`` command and ``create_app``.
"""

from __future__ import annotations

import gettext
import io
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("survey_app", "analysis", "questionnaires")
CATALOGUES = "**/translations/*/LC_MESSAGES/*.po"
LANGUAGES = ("nl", "fr", "en")
#: Scale words of the survey page, by language (survey_app/translations/*/messages.po).
SCALE_WORDS = {"nl": ("Nooit", "Altijd"), "fr": ("Jamais", "Toujours")}

PAGES_SCRIPT = """
import json
import sys

import survey_app
from survey_app import create_app

client = create_app().test_client()
pages = {}
for lang in ("nl", "fr"):
    response = client.get(f"/s/{sys.argv[1]}?lang={lang}")
    pages[lang] = {"status": response.status_code, "text": response.get_data(as_text=True)}
print(json.dumps({"survey_app": survey_app.__file__, "pages": pages}))
"""


def run(command: list[str], what: str, **kwargs) -> subprocess.CompletedProcess[str]:
    """Run a command; fail the test with its output when it fails."""
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, **kwargs)
    assert result.returncode == 0, (
        f"{what} failed (exit {result.returncode}): {' '.join(command)}\n"
        f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"
    )
    return result


def clean_environment(**settings: str) -> dict[str, str]:
    """The environment without anything that could point Python at the source tree."""
    dropped = {"PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV", "KLIMAATPEIL_ENV"}
    environment = {key: value for key, value in os.environ.items() if key not in dropped}
    environment.update(settings, PIP_DISABLE_PIP_VERSION_CHECK="1")
    return environment


def checkout(destination: Path) -> Path:
    """Copy what a clean checkout would hold: tracked and new, unignored files as they are now."""
    listed = run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        "listing the checkout's files",
        cwd=ROOT,
    ).stdout
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if not source.is_file():  # deleted or moved away in the working tree
            continue
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    assert not list(destination.rglob("*.mo")), "compiled catalogues are not to be in git"
    return destination


def expected_catalogues(source: Path) -> list[str]:
    """The ``.mo`` paths a wheel of ``source`` should hold: one per ``.po`` of the packages."""
    return sorted(
        po.relative_to(source).with_suffix(".mo").as_posix()
        for package in PACKAGES
        for po in (source / package).glob(CATALOGUES)
    )


def build_wheel(source: Path, out: Path) -> Path:
    out.mkdir()
    run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--wheel-dir", str(out), str(source)],
        "building the wheel",
        cwd=out,
        env=clean_environment(),
    )
    wheels = list(out.glob("klimaatpeil-*.whl"))
    assert len(wheels) == 1, f"expected one klimaatpeil wheel in {out}, found {wheels}"
    return wheels[0]


def fresh_venv(path: Path) -> Path:
    """A virtualenv that sees the running one's packages only as a fallback on ``sys.path``.

    The ``.pth`` line adds the running environment's site-packages as a plain
    directory: its own ``.pth`` files (the editable install's finder) do not run.
    """
    venv.create(path, with_pip=False)
    python = path / "bin" / "python"
    site_packages = run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        "asking the fresh venv for its site-packages",
        env=clean_environment(),
    ).stdout.strip()
    borrowed = dict.fromkeys([sysconfig.get_path("purelib"), sysconfig.get_path("platlib")])
    Path(site_packages, "zz_borrowed_dependencies.pth").write_text("\n".join(borrowed) + "\n")
    return python


def check_wheel(source: Path, work: Path) -> None:
    """Build ``source`` into a wheel and check its catalogues and the installed app's languages."""
    wheel = build_wheel(source, work / "wheelhouse")

    expected = expected_catalogues(source)
    for language in LANGUAGES:
        assert f"survey_app/translations/{language}/LC_MESSAGES/messages.mo" in expected
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        missing = [name for name in expected if name not in names]
        assert not missing, f"the wheel lacks compiled catalogues: {missing}"
        for name in expected:
            gettext.GNUTranslations(io.BytesIO(archive.read(name)))  # a valid catalogue
        # The shipped questionnaire and the item bank its variants include from.
        data = [f"questionnaires/data/{name}.yaml" for name in ("klimaatteam", "bank/items")]
        lacking = [name for name in data if name not in names]
        assert not lacking, f"the wheel lacks the questionnaire files {lacking}"

    python = fresh_venv(work / "venv")
    run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", str(wheel)],
        "installing the wheel",
        env=clean_environment(),
    )
    settings = clean_environment(
        DATABASE_URL=f"sqlite:///{work / 'demo.sqlite'}", SECRET_KEY="test-wheel-secret"
    )
    demo = run(
        [str(python.parent / "klimaatpeil"), "demo", "--base-url", "http://localhost"],
        "creating the demo with the installed `klimaatpeil`",
        cwd=work,
        env=settings,
    ).stdout
    token = re.search(r"http://localhost/s/(\S+)", demo)
    assert token, f"no survey link in the demo's output:\n{demo}"

    script = work / "survey_pages.py"
    script.write_text(PAGES_SCRIPT)
    output = run(
        [str(python), str(script), token.group(1)],
        "fetching the survey from the installed app",
        cwd=work,
        env=settings,
    ).stdout
    result = json.loads(output.strip().splitlines()[-1])

    installed = Path(result["survey_app"]).resolve()
    assert installed.is_relative_to((work / "venv").resolve()), (
        f"imported {installed}, not the wheel installed in the fresh venv"
    )
    for language, words in SCALE_WORDS.items():
        page = result["pages"][language]
        assert page["status"] == 200, f"?lang={language}: HTTP {page['status']}"
        absent = [word for word in words if word not in page["text"]]
        assert not absent, f"?lang={language}: the survey page lacks {absent}"


def test_wheel_from_a_clean_checkout_ships_compiled_catalogues(tmp_path: Path) -> None:
    check_wheel(checkout(tmp_path / "checkout"), tmp_path)
