"""config/gunicorn.conf.py: sized from the machine, overridden by the environment, bad values named."""

import os
import runpy

import pytest
from django.conf import settings

from config.env import ConfigError

CONF = settings.BASE_DIR / "config" / "gunicorn.conf.py"
VARIABLES = ("WEB_CONCURRENCY", "GUNICORN_THREADS", "HOST", "PORT")


@pytest.fixture
def load(monkeypatch):
    """The file's settings as gunicorn reads them, on a machine with `cores` CPUs and `env`."""

    def load(cores=2, **env):
        for name in VARIABLES:
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        monkeypatch.setattr(os, "cpu_count", lambda: cores)
        return runpy.run_path(str(CONF))

    return load


def test_it_runs_two_workers_per_core_plus_one_with_four_threads(load):
    conf = load(cores=2)
    assert (conf["workers"], conf["threads"]) == (5, 4)


def test_it_caps_the_default_workers_on_a_big_machine(load):
    assert load(cores=16)["workers"] == 8


def test_it_runs_three_workers_when_the_cpu_count_is_unknown(load):
    assert load(cores=None)["workers"] == 3


def test_it_binds_to_loopback_port_8000_and_logs_requests_to_stdout(load):
    conf = load()
    assert conf["bind"] == ["127.0.0.1:8000"]
    assert conf["accesslog"] == "-"
    assert conf["access_log_format"].endswith(" %(M)sms")  # the time each request took, for docs/deploy.md


def test_an_empty_host_means_loopback_as_the_procfile_did(load):
    assert load(HOST="", PORT="")["bind"] == ["127.0.0.1:8000"]


def test_the_environment_overrides_every_default(load):
    conf = load(cores=2, WEB_CONCURRENCY="12", GUNICORN_THREADS="2", HOST="0.0.0.0", PORT="5000")
    assert (conf["workers"], conf["threads"], conf["bind"]) == (12, 2, ["0.0.0.0:5000"])


@pytest.mark.parametrize(("name", "raw"), [
    ("WEB_CONCURRENCY", "0"), ("GUNICORN_THREADS", "four"), ("PORT", "-1"),
])
def test_a_bad_value_stops_start_up_naming_the_variable(load, name, raw):
    with pytest.raises(ConfigError, match=name):
        load(**{name: raw})


def test_the_procfile_starts_gunicorn_with_this_file():
    web = next(line for line in (settings.BASE_DIR / "Procfile").read_text().splitlines() if line.startswith("web:"))
    assert web == "web: .venv/bin/gunicorn config.wsgi -c config/gunicorn.conf.py"


def test_each_worker_puts_the_loaded_application_out_of_the_collectors_reach(load):
    import gc

    assert gc.get_freeze_count() == 0
    try:
        load()["post_worker_init"](worker=None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
