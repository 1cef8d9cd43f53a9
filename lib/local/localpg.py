"""A throwaway or project-local PostgreSQL cluster for tests and `make dev` (no system service)."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import stat
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

SERVER_USER = "postgres"
DEFAULT_PRELOAD = ("pg_stat_statements",)


def find_bin_dir() -> Path | None:
    """PG_BIN, then `pg_config --bindir`, then the newest /usr/lib/postgresql/*/bin with initdb."""
    candidates: list[str] = []
    if os.environ.get("PG_BIN"):
        candidates.append(os.environ["PG_BIN"])
    if shutil.which("pg_config"):
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True)
        candidates.append(out.stdout.strip())
    versions = glob.glob("/usr/lib/postgresql/*/bin")
    candidates += sorted(versions, key=lambda p: int(Path(p).parent.name), reverse=True)
    for candidate in candidates:
        if candidate and (Path(candidate) / "initdb").is_file():
            return Path(candidate)
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LocalPostgres:
    """A cluster under `base_dir`, listening on 127.0.0.1 only; runs as `postgres` under root."""

    base_dir: Path
    port: int = field(default_factory=free_port)
    preload: tuple[str, ...] = DEFAULT_PRELOAD
    bin_dir: Path | None = field(default_factory=find_bin_dir)

    @property
    def data_dir(self) -> Path:
        return self.base_dir / "data"

    @property
    def url(self) -> str:
        return self.url_for("postgres")

    def url_for(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        if self.bin_dir is None:
            raise RuntimeError(
                "no PostgreSQL server binaries found (install postgresql, or set PG_BIN)"
            )
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if os.geteuid() == 0:  # initdb and postgres refuse to run as root
            command = ["runuser", "-u", SERVER_USER, "--", *command]
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(
                f"{args[0]} failed: {result.stderr.strip() or result.stdout.strip()}"
            )
        return result

    def _own(self) -> None:
        self.base_dir.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            # The server runs as `postgres`: it must be able to traverse every parent folder.
            for parent in self.base_dir.resolve().parents:
                mode = parent.stat().st_mode
                if not mode & stat.S_IXOTH:
                    parent.chmod(mode | stat.S_IXOTH)
            shutil.chown(self.base_dir, SERVER_USER, SERVER_USER)
            for path in self.base_dir.rglob("*"):
                shutil.chown(path, SERVER_USER, SERVER_USER)

    def initialized(self) -> bool:
        return (self.data_dir / "PG_VERSION").is_file()

    def running(self) -> bool:
        return (self.data_dir / "postmaster.pid").is_file() and self._status_ok()

    def _status_ok(self) -> bool:
        try:
            self._run("pg_ctl", "-D", str(self.data_dir), "status")
        except RuntimeError:
            return False
        return True

    def start(self) -> str:
        """initdb if needed, then start; returns the superuser URL."""
        self._own()
        if not self.initialized():
            # --no-sync: the server below runs with fsync=off anyway, so flushing initdb's files
            # to disk buys nothing and costs seconds per cluster on a busy machine.
            self._run(
                "initdb", "-D", str(self.data_dir), "-U", "postgres",
                "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync",
            )  # fmt: skip
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.base_dir} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=200"
        )
        if self.preload:
            options += f" -c shared_preload_libraries={','.join(self.preload)}"
        self._run(
            "pg_ctl", "-D", str(self.data_dir), "-l", str(self.base_dir / "server.log"),
            "-w", "-t", "60", "start", "-o", options,
        )  # fmt: skip
        return self.url

    def stop(self) -> None:
        if self.initialized():
            with contextlib.suppress(RuntimeError):
                self._run("pg_ctl", "-D", str(self.data_dir), "-m", "fast", "-w", "stop")


@contextlib.contextmanager
def throwaway(
    *, preload: tuple[str, ...] = DEFAULT_PRELOAD, prefix: str = "localpg-"
) -> Iterator[LocalPostgres]:
    """A cluster started in a new temporary folder; on exit it is stopped and the folder removed.

    A failing start raises RuntimeError (after the same clean-up).
    """
    with tempfile.TemporaryDirectory(prefix=prefix, ignore_cleanup_errors=True) as base:
        cluster = LocalPostgres(Path(base) / "cluster", preload=preload)
        try:
            cluster.start()
            yield cluster
        finally:
            cluster.stop()
