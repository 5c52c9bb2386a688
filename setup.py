"""Build hook: compile the gettext catalogues (``.po`` → ``.mo``) into every wheel.

All metadata lives in pyproject.toml; this file only swaps in a ``build_py``
that, after the usual copying, compiles each
``<package>/**/translations/<lang>/LC_MESSAGES/<domain>.po`` of the packages
being built into the build directory, with Babel (a build requirement in
pyproject.toml). The ``.mo`` files stay out of git; a wheel built from a clean
checkout or from the sdist carries them all the same.

Editable installs (``pip install -e``) import the catalogues from the source
tree, so there ``make translations`` compiles them in place.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from setuptools import setup
from setuptools.command.build_py import build_py

CATALOGUES = "**/translations/*/LC_MESSAGES/*.po"


class BuildPyWithCatalogues(build_py):
    """``build_py`` that also writes a compiled ``.mo`` next to every catalogue."""

    def run(self) -> None:
        super().run()
        if not self.editable_mode:
            for source, target in self._catalogues():
                self._compile(source, target)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs = super().get_outputs(include_bytecode)
        if self.editable_mode:
            return outputs
        return outputs + [str(target) for _source, target in self._catalogues()]

    def _catalogues(self) -> list[tuple[Path, Path]]:
        """(``.po`` in the source tree, ``.mo`` in the build directory) of every catalogue."""
        pairs = []
        for package in sorted({name.split(".")[0] for name in self.packages or ()}):
            source_dir = Path(self.get_package_dir(package))
            target_dir = Path(self.build_lib, package)
            for po in sorted(source_dir.glob(CATALOGUES)):
                pairs.append((po, target_dir / po.relative_to(source_dir).with_suffix(".mo")))
        return pairs

    def _compile(self, source: Path, target: Path) -> None:
        with source.open("rb") as po_file:
            catalogue = read_po(po_file, domain=source.stem)
        errors = [
            f"{source}: {message.id!r}: {error}"
            for message, errs in catalogue.check()
            for error in errs
        ]
        if errors:
            raise SystemExit("invalid message catalogue:\n" + "\n".join(errors))
        self.mkpath(str(target.parent))
        self.announce(f"compiling {source} -> {target}", level=2)
        with target.open("wb") as mo_file:
            write_mo(mo_file, catalogue)


setup(cmdclass={"build_py": BuildPyWithCatalogues})
