"""The wheel's build: setuptools' own (configured in pyproject.toml), plus the folders the forum
serves from, copied into the package at build time.

templates/, static/ and migrations/ live at the top of the repository, and htmx in node_modules/
(`npm ci`, never committed): forum/paths.py names what a wheel carries of them, and where the
installed forum finds it. An editable install copies nothing: it runs from the checkout.
"""

import runpy
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
# Read as a file, not imported: importing `forum` would need its dependencies here.
LAYOUT = runpy.run_path(str(HERE / "forum" / "paths.py"))


def bundle(target: Path) -> None:
    """Copy what a wheel carries into `target` (forum/_bundled/ of the build), anew each time,
    so no file removed from the repository lingers from an earlier build."""
    shutil.rmtree(target, ignore_errors=True)
    for name, (source, files) in LAYOUT["BUNDLED"].items():
        folder = HERE / source
        if not folder.is_dir():
            hint = " (run `npm ci`)" if source.startswith("node_modules") else ""
            raise SystemExit(f"Can't build the forum's wheel: {source}/ is missing{hint}.")
        if files is None:
            shutil.copytree(folder, target / name, ignore=shutil.ignore_patterns("__pycache__"))
            continue
        for file in files:
            (target / name / file).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(folder / file, target / name / file)


class BuildPyWithBundle(build_py):
    def run(self) -> None:
        super().run()
        if not self.editable_mode:
            bundle(Path(self.build_lib) / "forum" / LAYOUT["BUNDLE"].name)


setup(cmdclass={"build_py": BuildPyWithBundle})
