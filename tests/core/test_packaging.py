"""The wheel holds every local app of INSTALLED_APPS and the files the settings read at BASE_DIR.

A non-editable install once lacked deadlines, notifications, obligations and dashboards because
pyproject.toml listed apps by name. The wheel is built here and read as a zip. Installing it in a
fresh venv and running `python -m django check --settings=config.settings.base` outside the repo
is the full proof, too slow (dependencies from the index) for every run.
"""

import importlib.util
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

ROOT = Path(settings.BASE_DIR).resolve()
# Never part of a build: VCS and virtualenvs, runtime state, earlier build output. A stale
# build/lib would otherwise leak into the wheel and hide a package the config drops.
TOP_LEVEL_SKIPPED = {"build", "dist", "var", "staticfiles", "node_modules", "venv"}


def _ignore(directory, names):
    skipped = {n for n in names if n == "__pycache__" or n.endswith((".egg-info", ".pyc"))}
    if Path(directory).resolve() == ROOT:
        skipped |= {n for n in names if n.startswith(".") or n in TOP_LEVEL_SKIPPED}
    return skipped


def _setuptools_builds_wheels() -> bool:
    """pyproject.toml asks for setuptools>=69; bdist_wheel is built in from 70.1, else needs `wheel`."""
    try:
        import setuptools
    except ImportError:
        return False
    version = tuple(int(part) for part in setuptools.__version__.split(".")[:2] if part.isdigit())
    return version >= (70, 1) or (version >= (69,) and importlib.util.find_spec("wheel") is not None)


@pytest.fixture(scope="module")
def wheel_names(tmp_path_factory):
    """Names inside the wheel built from a copy of the working tree (the repo is left untouched)."""
    base = tmp_path_factory.mktemp("packaging")
    source, out = base / "src", base / "wheel"
    shutil.copytree(ROOT, source, ignore=_ignore)
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--disable-pip-version-check"]
    if _setuptools_builds_wheels():
        command.append("--no-build-isolation")
    # Otherwise (a venv made by Python 3.11 carries setuptools 65 without `wheel`) pip fetches
    # the build backend from the index, as any `pip install .` would.
    result = subprocess.run([*command, "-w", str(out), str(source)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"wheel build failed:\n{result.stdout}\n{result.stderr}"
    (wheel,) = out.glob("kehoach-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def _local_app_configs():
    """Apps of INSTALLED_APPS whose code lives in this repository (not in a virtualenv under it)."""
    installed = {Path(sysconfig.get_paths()[key]).resolve() for key in ("purelib", "platlib", "stdlib")}
    local = []
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path.is_relative_to(ROOT) and not any(path.is_relative_to(prefix) for prefix in installed):
            local.append(config)
    return local


def test_wheel_holds_every_local_app_with_its_migrations(wheel_names):
    local = _local_app_configs()
    assert {"core", "accounts", "workflows"} <= {config.name for config in local}, (
        "the local apps were not recognised; the test would prove nothing"
    )
    missing = []
    for config in local:
        app_dir = Path(config.path).resolve()
        package = app_dir.relative_to(ROOT).as_posix()
        expected = [f"{package}/__init__.py", f"{package}/apps.py"]
        migrations = app_dir / "migrations"
        if (migrations / "__init__.py").exists():
            expected += [f"{package}/migrations/{module.name}" for module in sorted(migrations.glob("*.py"))]
        missing += [f"{config.name}: {name}" for name in expected if name not in wheel_names]
    assert not missing, "the wheel lacks:\n" + "\n".join(missing)


def test_wheel_holds_what_settings_read_at_base_dir(wheel_names):
    """Templates, catalogues, static files and demo data sit beside the packages once installed."""
    directories = [
        *settings.TEMPLATES[0]["DIRS"],
        *settings.LOCALE_PATHS,
        *settings.STATICFILES_DIRS,
        settings.DEMO_DATA_DIR,
    ]
    missing = []
    for directory in map(Path, directories):
        if not directory.resolve().is_relative_to(ROOT) or not directory.is_dir():
            continue
        for path in sorted(directory.rglob("*")):
            relative = path.resolve().relative_to(ROOT)
            if path.is_file() and not any(part.startswith(".") or part == "__pycache__" for part in relative.parts):
                if relative.as_posix() not in wheel_names:
                    missing.append(relative.as_posix())
    assert not missing, "the wheel lacks:\n" + "\n".join(missing)


def test_wheel_ships_no_tests_tools_or_bytecode(wheel_names):
    top_level = {name.split("/", 1)[0] for name in wheel_names}
    assert not top_level & {"tests", "bench", "scripts", "docs", "var", "build"}
    assert not [name for name in wheel_names if name.endswith((".pyc", ".pyo")) or "__pycache__/" in name]
