"""A PostgreSQL server of a test's own: initdb into a scratch directory, started on a free port,
stopped and started again at will. The shared server other test runs use is never touched, and
each instance has its own directory and port, so pytest-xdist workers never share one."""

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

BIN = (
    sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
    if Path("/usr/lib/postgresql").exists()
    else None
)


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
    def __init__(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="parindex-pg-"))
        self.port = _free_port()
        # initdb refuses to run as root: the server then runs as the postgres user.
        self.user = "postgres" if os.geteuid() == 0 else None
        if self.user:
            account = pwd.getpwnam(self.user)
            os.chown(self.directory, account.pw_uid, account.pw_gid)
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
