"""The wheel's build: setuptools' own (configured in pyproject.toml), plus the folders the forum
serves from, copied into the package at build time.

templates/, static/ and migrations/ live at the top of the repository, and htmx in node_modules/
(`npm ci`, never committed): forum/paths.py names what a wheel carries of them, and where the
installed forum finds it. An sdist carries the same files where they are, so that a wheel built
from it has them too. An editable install copies nothing: it runs from the checkout.
"""

import runpy
import shutil
from collections.abc import Iterator
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

HERE = Path(__file__).resolve().parent
# Read as a file, not imported: importing `forum` would need its dependencies here.
LAYOUT = runpy.run_path(str(HERE / "forum" / "paths.py"))


def carried() -> Iterator[tuple[str, str]]:
    """Each file a wheel carries: where it is in the repository, and in forum/_bundled/."""
    for name, (source, files) in LAYOUT["BUNDLED"].items():
        folder = HERE / source
        if not folder.is_dir():
            hint = " (run `npm ci`)" if source.startswith("node_modules") else ""
            raise SystemExit(f"Can't build the forum: {source}/ is missing{hint}.")
        if files is None:
            files = sorted(
                path.relative_to(folder).as_posix()
                for path in folder.rglob("*")
                if path.is_file() and "__pycache__" not in path.parts
            )
        for file in files:
            yield f"{source}/{file}", f"{name}/{file}"


class BuildPyWithBundle(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        # Made anew each time, so no file removed from the repository lingers from an earlier
        # build.
        target = Path(self.build_lib) / "forum" / LAYOUT["BUNDLE"].name
        shutil.rmtree(target, ignore_errors=True)
        for source, bundled in carried():
            (target / bundled).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(HERE / source, target / bundled)


class SdistWithBundled(sdist):
    def make_release_tree(self, base_dir: str, files: list[str]) -> None:
        super().make_release_tree(base_dir, [*files, *(source for source, _ in carried())])


setup(cmdclass={"build_py": BuildPyWithBundle, "sdist": SdistWithBundled})
