"""The docker compose stack agrees with the code: docker-compose.yaml, docker/ and .env.example.

No Docker engine runs here, so the files are parsed, not run: services, health checks and
dependencies; mounts and referenced files exist; commands name real modules and Airflow
subcommands; every connection the registry needs is in .env.example and points at the simulator
accounts and services the stack defines; the executor is Celery on Redis; the image installs the
hashed lock. Compose interpolation (${VAR}, ${VAR:-default}, ${VAR:?error}, $$) is done here
with the values of .env.example, as `cp .env.example .env && docker compose up` would.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shlex
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
COMPOSE = REPO / "docker-compose.yaml"
ENV_EXAMPLE = REPO / ".env.example"
DOCKERFILE = REPO / "docker" / "Dockerfile"
IMAGE_ROOT = "/opt/koppeling"  # where docker/Dockerfile puts the repo (WORKDIR)

# Role → service name (the names are also the hostnames inside the compose network).
SERVICES = {
    "api-server": "airflow-api-server",
    "scheduler": "airflow-scheduler",
    "dag-processor": "airflow-dag-processor",
    "triggerer": "airflow-triggerer",
    "worker": "airflow-worker",
    "init": "airflow-init",
    "metadata-db": "airflow-db",
    "warehouse-db": "warehouse-db",
    "redis": "redis",
    "nmbrs-sim": "nmbrs-sim",
    "asr-receiver": "asr-receiver",
}
# The command each Airflow role runs (argv prefix).
ROLE_COMMANDS = {
    "api-server": ["airflow", "api-server"],
    "scheduler": ["airflow", "scheduler"],
    "dag-processor": ["airflow", "dag-processor"],
    "triggerer": ["airflow", "triggerer"],
    "worker": ["airflow", "celery", "worker"],
    "nmbrs-sim": ["python", "-m", "simulators.nmbrs_sim"],
    "asr-receiver": ["python", "-m", "simulators.asr_receiver"],
}
# Airflow 3.3 subcommands this stack may use (checked by hand against `airflow --help`, which is
# too slow for a unit test; `celery` comes from apache-airflow-providers-celery).
AIRFLOW_SUBCOMMANDS = {
    ("api-server",), ("scheduler",), ("dag-processor",), ("triggerer",), ("celery", "worker"),
    ("db", "migrate"), ("jobs", "check"), ("pools", "set"), ("version",),
    ("dags", "unpause"), ("dags", "list-runs"), ("backfill", "create"),
}
JOB_TYPES = {"SchedulerJob", "TriggererJob", "DagProcessorJob"}  # `airflow jobs check --job-type`
EXECUTABLES = {"airflow", "python", "celery", "pg_isready", "redis-cli"}
CELERY_APP = "airflow.providers.celery.executors.celery_executor.app"
DEPENDS_CONDITIONS = {"service_started", "service_healthy", "service_completed_successfully"}

_VAR = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}"
                  r"|\$([A-Za-z_][A-Za-z0-9_]*)")


# --- parsing helpers ------------------------------------------------------------------------------
def read_env_file(path: Path) -> dict[str, str]:
    """Parse a compose dotenv file: KEY=value, single quotes literal, double quotes unescaped."""
    values = {}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        where = f"{path.name}:{number}: {raw!r}"
        assert sep and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key), where
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        else:
            assert " #" not in value, f"{path.name}:{number}: no inline comments in dotenv values"
        values[key] = value
    return values


def interpolate(text: str, env: dict[str, str]) -> str:
    """Resolve compose variable references in `text` with `env`; fail on a ${VAR:?error}."""

    def one(match: re.Match) -> str:
        if match.group(0) == "$$":
            return "$"
        name = match.group(1) or match.group(4)
        op, arg = match.group(2), match.group(3)
        value = env.get(name)
        unset = value is None or (value == "" and op is not None and op.startswith(":"))
        if op and op.endswith("-"):
            return arg if unset else value
        if op and op.endswith("?"):
            assert not unset, f"${{{name}}} is required: {arg}"
        return value or ""

    return _VAR.sub(one, text)


def resolve(node, env: dict[str, str]):
    """Interpolate every string of a parsed YAML tree."""
    if isinstance(node, dict):
        return {k: resolve(v, env) for k, v in node.items()}
    if isinstance(node, list):
        return [resolve(v, env) for v in node]
    return interpolate(node, env) if isinstance(node, str) else node


def argv(command) -> list[str]:
    """Return a compose command (list or string) as an argv list."""
    return list(command) if isinstance(command, list) else shlex.split(command or "")


def health_argv(service: dict) -> list[str]:
    """Return the argv of a service's health check (CMD or CMD-SHELL)."""
    test = service["healthcheck"]["test"]
    if isinstance(test, str):
        return shlex.split(test)
    if test[0] == "CMD-SHELL":
        return shlex.split(test[1])
    assert test[0] == "CMD", test
    return list(test[1:])


def repo_path(image_path: str) -> Path:
    """Map a path inside the image (/opt/koppeling/...) to the repo."""
    assert image_path.startswith(IMAGE_ROOT + "/"), image_path
    return REPO / image_path[len(IMAGE_ROOT) + 1:]


def script_lines(path: Path) -> list[list[str]]:
    """Return the lines of a shell script that run a known executable, as argv lists."""
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.split(" ", 1)[0] in EXECUTABLES:
            lines.append(shlex.split(line, comments=True))
    return lines


def module_of(command: list[str]) -> str | None:
    """Return X of a `python -m X ...` command."""
    if len(command) >= 3 and command[0].startswith("python") and command[1] == "-m":
        return command[2]
    return None


# --- fixtures -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def env() -> dict[str, str]:
    return read_env_file(ENV_EXAMPLE)


@pytest.fixture(scope="module")
def raw() -> dict:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def services(raw, env) -> dict[str, dict]:
    return resolve(raw["services"], env)


@pytest.fixture(scope="module")
def registry():
    from payroll_link.registry import load_registry

    return load_registry(REPO / "config" / "employers.yaml")


def all_commands(services: dict[str, dict]) -> list[list[str]]:
    """Every command the stack runs: services, health checks and the scripts they call."""
    commands = []
    for service in services.values():
        if "command" in service:
            commands.append(argv(service["command"]))
        if "healthcheck" in service:
            commands.append(health_argv(service))
    for command in list(commands):
        if command and command[0].endswith(".sh"):
            commands.extend(script_lines(repo_path(command[0])))
    return commands


# --- services, health, dependencies ---------------------------------------------------------------
def test_required_services_exist(services):
    missing = sorted(set(SERVICES.values()) - set(services))
    assert not missing, f"docker-compose.yaml lacks services {missing}"


def test_each_role_runs_its_command(services):
    for role, prefix in ROLE_COMMANDS.items():
        command = argv(services[SERVICES[role]]["command"])
        assert command[:len(prefix)] == prefix, f"{SERVICES[role]} runs {command}"


def test_init_migrates_airflow_and_warehouse_and_makes_pools(services):
    command = argv(services[SERVICES["init"]]["command"])
    assert command[0].endswith("init.sh"), command
    lines = script_lines(repo_path(command[0]))
    for expected in (["airflow", "db", "migrate"], ["python", "-m", "payroll_link.cli", "migrate"],
                     ["python", "-m", "payroll_link.cli", "pools"]):
        assert any(line[:len(expected)] == expected for line in lines), f"init.sh lacks {expected}"
    order = [i for i, line in enumerate(lines) if line[:3] in
             (["airflow", "db", "migrate"], ["python", "-m", "payroll_link.cli"])]
    assert lines[order[0]][:3] == ["airflow", "db", "migrate"], "pools need the metadata DB first"


def one_shot(services: dict[str, dict]) -> set[str]:
    """Return the services others wait to *complete* (not long-running)."""
    return {target for service in services.values()
            for target, dep in (service.get("depends_on") or {}).items()
            if dep.get("condition") == "service_completed_successfully"}


def test_every_long_running_service_has_a_healthcheck(services):
    assert one_shot(services) == {SERVICES["init"]}
    assert services[SERVICES["init"]].get("restart") == "no"
    for name, service in services.items():
        if name in one_shot(services):
            continue
        check = service.get("healthcheck") or {}
        assert check.get("test") and not check.get("disable"), f"{name} has no health check"
        assert service.get("restart") in ("unless-stopped", "always"), f"{name} is not restarted"


def test_healthchecks_probe_the_right_thing(services):
    def health(role: str) -> str:
        return " ".join(health_argv(services[SERVICES[role]]))

    assert "/api/v2/monitor/health" in health("api-server")
    for role, job in (("scheduler", "SchedulerJob"), ("dag-processor", "DagProcessorJob"),
                      ("triggerer", "TriggererJob")):
        assert f"airflow jobs check --job-type {job}" in health(role)
    assert health("worker").startswith(f"celery --app {CELERY_APP} inspect ping")
    assert health("metadata-db").startswith("pg_isready")
    assert health("warehouse-db").startswith("pg_isready")
    assert health("redis") == "redis-cli ping"
    for role in ("nmbrs-sim", "asr-receiver"):
        port = argv(services[SERVICES[role]]["command"])
        port = port[port.index("--port") + 1]
        assert health(role).endswith(f"http://localhost:{port}/health"), health(role)


def test_depends_on_targets_exist_with_conditions(services):
    for name, service in services.items():
        depends = service.get("depends_on") or {}
        assert isinstance(depends, dict), f"{name}: depends_on needs conditions (mapping form)"
        for target, dep in depends.items():
            assert target in services and target != name, f"{name} depends on {target!r}"
            assert dep.get("condition") in DEPENDS_CONDITIONS, f"{name} → {target}: {dep}"
            if dep["condition"] == "service_healthy":
                assert "healthcheck" in services[target], f"{name} waits for {target}'s health"
    for role in ("api-server", "scheduler", "dag-processor", "triggerer", "worker"):
        depends = services[SERVICES[role]]["depends_on"]
        assert depends[SERVICES["init"]]["condition"] == "service_completed_successfully"
        assert depends[SERVICES["metadata-db"]]["condition"] == "service_healthy"
        assert depends[SERVICES["redis"]]["condition"] == "service_healthy"
    init = services[SERVICES["init"]]["depends_on"]
    assert {SERVICES["metadata-db"], SERVICES["warehouse-db"]} <= set(init)


def test_depends_on_has_no_cycle(services):
    state: dict[str, str] = {}

    def visit(name: str, path: tuple[str, ...]) -> None:
        assert state.get(name) != "open", f"dependency cycle: {' → '.join(path + (name,))}"
        if state.get(name) == "done":
            return
        state[name] = "open"
        for target in services[name].get("depends_on") or {}:
            visit(target, path + (name,))
        state[name] = "done"

    for name in services:
        visit(name, ())


# --- files: mounts, build, scripts ----------------------------------------------------------------
def test_bind_mounts_exist_and_sources_are_read_only(raw, services):
    named = set(raw.get("volumes") or {})
    for name, service in services.items():
        for volume in service.get("volumes") or []:
            source, target, *mode = volume.split(":")
            if source.startswith((".", "/")):
                assert (REPO / source).resolve().exists(), f"{name} mounts missing {source}"
                if Path(source).name in ("dags", "plugins", "config", "sql"):
                    assert mode == ["ro"], f"{name} mounts {source} writable"
                    assert target == f"{IMAGE_ROOT}/{Path(source).name}", f"{name}: {volume}"
            else:
                assert source in named, f"{name} uses undeclared volume {source}"
    for role in ("scheduler", "dag-processor", "triggerer", "worker", "api-server", "init"):
        mounted = {v.split(":")[0] for v in services[SERVICES[role]]["volumes"]}
        assert {"./dags", "./plugins", "./config", "./sql"} <= mounted, SERVICES[role]


def test_build_context_dockerfile_and_copied_files_exist(services):
    for name, service in services.items():
        if "build" not in service:
            assert ":" in service["image"], f"{name}: pin the image tag"
            continue
        build = service["build"]
        assert (REPO / build["context"]).resolve() == REPO
        assert (REPO / build["dockerfile"]).resolve() == DOCKERFILE
    assert DOCKERFILE.exists()
    for line in DOCKERFILE.read_text().splitlines():
        if line.startswith("COPY"):
            sources = [s for s in shlex.split(line.rstrip("\\"))[1:-1] if not s.startswith("--")]
            for source in sources:
                assert (REPO / source).exists(), f"Dockerfile copies missing {source}"


def test_referenced_files_exist(services):
    for command in all_commands(services):
        for token in command:
            if token.startswith(IMAGE_ROOT + "/"):
                assert repo_path(token).is_file(), f"{token} is not in the repo"
    entrypoint = re.search(r'ENTRYPOINT \["([^"]+)"', DOCKERFILE.read_text()).group(1)
    assert repo_path(entrypoint).is_file()


def test_shell_scripts_parse():
    for script in sorted((REPO / "docker").glob("*.sh")):
        done = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
        assert done.returncode == 0, f"{script.name}: {done.stderr}"


# --- commands: modules and Airflow subcommands ----------------------------------------------------
def test_python_modules_exist(services):
    modules = {module_of(c) for c in all_commands(services)} - {None}
    assert {"simulators.nmbrs_sim", "simulators.asr_receiver", "payroll_link.cli"} <= modules
    for module in modules:
        spec = importlib.util.find_spec(module)
        assert spec is not None, f"python -m {module}: no such module"
        if spec.submodule_search_locations:  # a package runs its __main__
            assert importlib.util.find_spec(f"{module}.__main__"), f"{module} has no __main__"


def test_cli_subcommands_exist(services):
    from payroll_link.cli import build_parser

    commands = build_parser()._subparsers._group_actions[0].choices
    for command in all_commands(services):
        if module_of(command) == "payroll_link.cli":
            assert command[3] in commands, f"payroll_link.cli has no command {command[3]!r}"


def test_commands_use_known_executables_and_airflow_subcommands(services):
    for command in all_commands(services):
        if command[0].endswith(".sh"):
            assert repo_path(command[0]).is_file(), command[0]
            continue
        assert command[0] in EXECUTABLES, f"unknown executable in {command}"
        if command[0] == "airflow":
            words = tuple(w for w in command[1:3] if not w.startswith("-"))
            assert any(words[:len(s)] == s for s in AIRFLOW_SUBCOMMANDS), f"airflow {words}?"
            if words[:2] == ("jobs", "check"):
                assert command[command.index("--job-type") + 1] in JOB_TYPES
        if command[0] == "celery":
            assert command[1:3] == ["--app", CELERY_APP]


# --- Airflow configuration ------------------------------------------------------------------------
def airflow_services(services: dict[str, dict]) -> list[str]:
    return [SERVICES[r] for r in ("api-server", "scheduler", "dag-processor", "triggerer",
                                  "worker", "init")]


def test_executor_is_celery_with_redis_broker(services):
    for name in airflow_services(services):
        environment = services[name]["environment"]
        assert environment["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor", name
        broker = urlsplit(environment["AIRFLOW__CELERY__BROKER_URL"])
        assert (broker.scheme, broker.hostname) == ("redis", SERVICES["redis"]), name
        backend = environment["AIRFLOW__CELERY__RESULT_BACKEND"]
        assert backend.startswith("db+postgresql+psycopg2://"), name
        metadata = urlsplit(environment["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"])
        assert metadata.scheme == "postgresql+psycopg2", "a bare postgresql:// means psycopg 3"
        assert metadata.hostname == SERVICES["metadata-db"]
        assert backend.removeprefix("db+") == environment["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
    assert "AIRFLOW__CORE__EXECUTOR" not in json.dumps(services[SERVICES["redis"]])


def test_metadata_db_credentials_match(services):
    db = services[SERVICES["metadata-db"]]["environment"]
    url = urlsplit(services[SERVICES["scheduler"]]["environment"][
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"])
    assert (url.username, url.password, url.path.lstrip("/")) == (
        db["POSTGRES_USER"], db["POSTGRES_PASSWORD"], db["POSTGRES_DB"])


def test_airflow_processes_share_settings(services):
    expected = {
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DAGS_FOLDER": f"{IMAGE_ROOT}/dags",
        "AIRFLOW__CORE__PLUGINS_FOLDER": f"{IMAGE_ROOT}/plugins",
        "KOPPELING_REGISTRY": f"{IMAGE_ROOT}/config/employers.yaml",
    }
    api = services[SERVICES["api-server"]]
    port = argv(api["command"])[argv(api["command"]).index("--port") + 1]
    expected["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] = (
        f"http://{SERVICES['api-server']}:{port}/execution/")
    shared = ("AIRFLOW__CORE__FERNET_KEY", "AIRFLOW__API_AUTH__JWT_SECRET",
              "AIRFLOW__API__SECRET_KEY", "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS")
    reference = services[SERVICES["scheduler"]]["environment"]
    for name in airflow_services(services):
        environment = services[name]["environment"]
        for key, value in expected.items():
            assert environment.get(key) == value, f"{name}: {key}={environment.get(key)!r}"
        for key in shared:
            assert key in environment and environment[key] == reference[key], f"{name}: {key}"
        assert services[name]["env_file"] == [".env"], f"{name}: connections come from .env"


def test_env_example_defines_every_compose_variable(raw, env):
    names = {m.group(1) or m.group(4) for m in _VAR.finditer(COMPOSE.read_text())} - {None}
    names.discard("HOSTNAME")  # escaped ($$), resolved in the container
    assert not sorted(names - set(env)), f".env.example lacks {sorted(names - set(env))}"


# --- connections ----------------------------------------------------------------------------------
def test_registry_connections_are_in_env_example(registry, env):
    assert registry.dag_employers, "the registry has no realised or paused employer"
    needed = {f"AIRFLOW_CONN_{e.nmbrs_conn_id.upper()}" for e in registry.dag_employers}
    needed |= {f"AIRFLOW_CONN_{e.delivery_conn_id.upper()}" for e in registry.dag_employers}
    needed.add("AIRFLOW_CONN_WAREHOUSE")
    assert not sorted(v for v in needed if not env.get(v)), "see .env.example"


def test_init_connection_check_passes_on_env_example(registry, env):
    spec = importlib.util.spec_from_file_location(
        "check_connections", REPO / "docker" / "check_connections.py")
    check = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(check)
    assert check.missing(registry, env) == []
    assert check.missing(registry, {}) == sorted(
        f"AIRFLOW_CONN_{c.upper()}" for c in check.required_conn_ids(registry))


def test_nmbrs_connections_use_simulator_accounts(registry, env, services):
    from simulators.nmbrs_sim.server import SOAP_PREFIX
    from simulators.nmbrs_sim.world import WorldConfig

    accounts = {a.username: a for a in WorldConfig().accounts}
    command = argv(services[SERVICES["nmbrs-sim"]]["command"])
    host = f"http://{SERVICES['nmbrs-sim']}:{command[command.index('--port') + 1]}{SOAP_PREFIX}"
    defined = [e for e in registry.employers if f"AIRFLOW_CONN_{e.nmbrs_conn_id.upper()}" in env]
    assert set(registry.dag_employers) <= set(defined)
    for employer in defined:
        conn = json.loads(env[f"AIRFLOW_CONN_{employer.nmbrs_conn_id.upper()}"])
        assert conn["conn_type"] == "nmbrs" and conn["host"] == host, employer.nmbrs_conn_id
        account = accounts.get(conn["login"])
        assert account, f"{employer.nmbrs_conn_id}: {conn['login']} is no simulator user"
        assert conn["password"] == account.token, f"{employer.nmbrs_conn_id}: token"
        assert conn["extra"]["domain"] == account.domain == employer.domain
        assert account.mode == employer.account_mode, employer.employer_id
        if account.mode == "per_debtor":
            assert employer.nmbrs_debtor_id in account.debtor_ids, employer.employer_id


def test_warehouse_connection_matches_warehouse_db(env, services):
    url = urlsplit(env["AIRFLOW_CONN_WAREHOUSE"])
    db = services[SERVICES["warehouse-db"]]["environment"]
    assert url.scheme == "postgresql+psycopg2"
    assert (url.hostname, url.port or 5432) == (SERVICES["warehouse-db"], 5432)
    assert (url.username, url.password, url.path.lstrip("/")) == (
        db["POSTGRES_USER"], db["POSTGRES_PASSWORD"], db["POSTGRES_DB"])
    for name in airflow_services(services):
        assert services[name]["environment"]["WAREHOUSE_URL"] == env["AIRFLOW_CONN_WAREHOUSE"]
    from payroll_link.warehouse.engine import normalise_url

    assert normalise_url(env["AIRFLOW_CONN_WAREHOUSE"]) == env["AIRFLOW_CONN_WAREHOUSE"]


def test_delivery_connection_reaches_the_receiver(registry, env, services):
    from payroll_link.handoff.adapters import adapter_from
    from simulators.asr_receiver import ENDPOINT

    receiver = services[SERVICES["asr-receiver"]]
    port = argv(receiver["command"])[argv(receiver["command"]).index("--port") + 1]
    for conn_id in {e.delivery_conn_id for e in registry.dag_employers}:
        conn = json.loads(env[f"AIRFLOW_CONN_{conn_id.upper()}"])
        assert conn["conn_type"] == "http"
        assert conn["host"] == f"http://{SERVICES['asr-receiver']}:{port}"
        assert conn["extra"]["endpoint"] == ENDPOINT
        assert conn["password"] == receiver["environment"]["ASR_RECEIVER_TOKEN"]
        adapter = adapter_from(conn["conn_type"], conn["host"], conn.get("login"),
                               conn["password"], conn["extra"])
        assert adapter.name == "https", conn_id


# --- image ----------------------------------------------------------------------------------------
def test_image_installs_the_hashed_lock_then_the_project():
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    assert re.search(r"^FROM python:3\.11-slim\b", text, re.M)
    runs = [line for line in text.splitlines() if line.startswith("RUN")]
    sync = next(i for i, r in enumerate(runs) if "uv pip sync" in r)
    assert re.search(r"uv pip sync .*--require-hashes requirements\.txt", runs[sync])
    editable = next(i for i, r in enumerate(runs) if re.search(r"uv pip install .*-e \.", r))
    assert sync < editable, "the hashed lock first, then the project"
    assert "--no-deps" in runs[editable] and "--no-build-isolation" in runs[editable]
    assert re.search(r"UV_VERSION=([\d.]+)", text).group(1) == re.search(
        r'"uv==([\d.]+)"', (REPO / "scripts" / "_env.sh").read_text()).group(1)


def pins(path: Path) -> dict[str, str]:
    found = re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==(\S+)", path.read_text(),
                       re.M)
    return {name.lower().replace("_", "-"): version for name, version in found}


def test_lock_carries_the_celery_executor():
    locked = pins(REPO / "requirements.txt")
    assert {"apache-airflow-providers-celery", "celery", "redis", "kombu"} <= set(locked)


# --- the stack smoke runs this topology -----------------------------------------------------------
def test_two_workers_and_the_smoke_runs_the_same_topology(services):
    import importlib.util as util

    spec = util.spec_from_file_location("stack_smoke", REPO / "scripts" / "stack_smoke.py")
    smoke = util.module_from_spec(spec)
    spec.loader.exec_module(smoke)
    worker = services[SERVICES["worker"]]
    assert worker["deploy"]["replicas"] >= 2 and len(smoke.WORKERS) >= 2
    command = argv(worker["command"])
    assert command[command.index("--concurrency") + 1] == "2"

    class FakeStack:
        redis_db, queue = 13, "q"

    local = smoke.airflow_settings(FakeStack(), "postgresql+psycopg2://postgres@h/m", 8080)
    compose = services[SERVICES["scheduler"]]["environment"]
    assert local["AIRFLOW__CORE__EXECUTOR"] == compose["AIRFLOW__CORE__EXECUTOR"]
    for key in ("AIRFLOW__CELERY__BROKER_URL", "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"):
        assert urlsplit(local[key]).scheme == urlsplit(compose[key]).scheme, key
    assert local["AIRFLOW__CELERY__RESULT_BACKEND"].removeprefix("db+") == local[
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
    assert local["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"].endswith(":8080/execution/")
