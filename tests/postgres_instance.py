"""A PostgreSQL server of a test's own: initdb into a scratch directory (or a copy of the seeded
one below), started on a free port, stopped and started again at will. The shared server other
test runs use is never touched, and each instance has its own directory and port, so
pytest-xdist workers never share one."""

import contextlib
import fcntl
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

BIN = (
    sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
    if Path("/usr/lib/postgresql").exists()
    else None
)
PROJECT = Path(__file__).resolve().parent.parent
# The database of seeded_data(): migrated, and the demo in it.
SEEDED_DATABASE = "parindex"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _port_taken(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return True
        return False


class PostgresInstance:
    def __init__(self, copy_of: Path | None = None) -> None:
        """A new cluster, or with `copy_of`, a copy of that (stopped) server's data directory."""
        self.directory = Path(tempfile.mkdtemp(prefix="parindex-pg-"))
        self.port = _free_port()
        # initdb refuses to run as root: the server then runs as the postgres user.
        self.user = "postgres" if os.geteuid() == 0 else None
        if self.user:
            account = pwd.getpwnam(self.user)
            os.chown(self.directory, account.pw_uid, account.pw_gid)
        if copy_of is not None:
            # -a keeps the owner (the postgres user, when running as root) and the modes the
            # server insists on.
            subprocess.run(["cp", "-a", copy_of, self.directory / "data"], check=True)
            return
        self._run(
            BIN / "initdb",
            "-D",
            self.directory / "data",
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def _run(self, *command) -> None:
        prefix = ["runuser", "-u", self.user, "--"] if self.user else []
        subprocess.run([*prefix, *map(str, command)], check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        # The free port is free when asked, not when the server binds it: another test run, or
        # another pytest-xdist worker, may take it in between. Then the next free one is tried.
        for attempt in range(3):
            options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.directory}"
            try:
                self._run(
                    BIN / "pg_ctl",
                    "-D",
                    self.directory / "data",
                    "-o",
                    options,
                    "-l",
                    self.directory / "log",
                    "-w",
                    "start",
                )
                return
            except subprocess.CalledProcessError:
                if attempt == 2 or not _port_taken(self.port):
                    raise
                self.port = _free_port()

    def stop(self) -> None:
        self._run(BIN / "pg_ctl", "-D", self.directory / "data", "-m", "fast", "-w", "stop")

    def create_database(self, name: str) -> None:
        self._run(BIN / "createdb", "-h", "127.0.0.1", "-p", self.port, "-U", "postgres", name)

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


def seeded_data(tmp_path_factory) -> Path:
    """The data directory of a stopped server whose database SEEDED_DATABASE is migrated and
    holds the demo, for PostgresInstance(copy_of=...): a migrate and seed_demo cost about 20 s,
    paid once a test run instead of once a server. The first pytest-xdist worker to ask builds
    it, under a lock in the run's own temporary directory, while the others wait; a new run
    builds it again, so it always has the migrations of the code under test."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the directory of the whole run, above each worker's own
    data = root / "seeded-postgres"
    with open(root / "seeded-postgres.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not data.exists():
            _seed(data)
    return data


def _seed(data: Path) -> None:
    server = PostgresInstance()
    try:
        server.start()
        server.create_database(SEEDED_DATABASE)
        env = {
            **{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
            "DEBUG": "0",
            "SECRET_KEY": "seeded-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
            "DATABASE_URL": server.url(SEEDED_DATABASE),
        }
        for command in (["migrate", "--no-input", "-v0"], ["seed_demo"]):
            done = subprocess.run(
                [sys.executable, "manage.py", *command],
                cwd=PROJECT,
                env=env,
                capture_output=True,
                text=True,
                timeout=600,
            )
            # Its own words, which a CalledProcessError would leave out of the test's report.
            assert done.returncode == 0, f"{command}: {done.stderr[-3000:]}"
        server.stop()
        # Copied aside, then renamed: a build that fails halfway leaves nothing to copy.
        partial = data.with_name(f"{data.name}.partial")
        shutil.rmtree(partial, ignore_errors=True)
        subprocess.run(["cp", "-a", server.directory / "data", partial], check=True)
        partial.rename(data)
    finally:
        server.remove()
