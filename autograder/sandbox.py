"""Where student code runs: a bubblewrap sandbox with resource limits.

Each student's code runs in ``sandbox_worker.py`` (a plain Python process, no Jupyter kernel)
started through :func:`start_worker`. With bubblewrap (Debian package ``bubblewrap``) the
process gets:

- no network (a new network namespace with only loopback), its own PID, IPC and UTS
  namespaces, and it dies with the grader;
- a read-only view of the system's programs and libraries and of this Python environment,
  and nothing else: not the course folder (``solutions/``, the checks, the gradebook), not
  the instructor's home, not other students' files;
- a private, empty, writable scratch folder as its working directory and ``/tmp``;
- an unprivileged user: when the grader runs as root, a user id of its own per parallel
  slot, so one student's fork bomb cannot starve another's processes.

Whatever the isolation, the process gets limits (``setrlimit``): CPU seconds, address space,
number of processes, size of any file written (so output too) and open files. The grader adds
wall-clock limits per test and per notebook.

Without bubblewrap the limits still apply but the process sees the file system and network as
the grader does; :func:`isolation` says so, and ``grade`` and ``doctor`` print it loudly.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path

WORKER_SCRIPT = Path(__file__).with_name("sandbox_worker.py")
# Each parallel slot gets its own unprivileged user id when the grader runs as root.
FIRST_SANDBOX_UID = 64000
# Packages a NumPy-only assignment's code may not import (the checks' oracles live there).
ORACLE_PACKAGES = ["torch", "sklearn", "scipy", "autograder", "coursekit", "nbgrader"]


@dataclass
class Limits:
    cpu_seconds: int = 600
    memory_bytes: int = 6 * 2**30
    processes: int = 64
    file_bytes: int = 64 * 2**20
    open_files: int = 256


@dataclass
class Isolation:
    """What protects the grader from student code on this machine."""

    bubblewrap: str | None
    problem: str = ""
    unprivileged_user: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def sandboxed(self) -> bool:
        return self.bubblewrap is not None

    def describe(self) -> str:
        lines = []
        if self.sandboxed:
            lines.append(f"sandbox: bubblewrap ({self.bubblewrap})")
            lines.append(
                "  no network; read-only system and Python; private scratch folder; no view "
                "of the course folder, the gradebook, the home folder or other students' files"
            )
            lines.append(
                "  student code runs as "
                + (
                    "its own unprivileged user per parallel slot"
                    if self.unprivileged_user
                    else "your own (unprivileged) user inside a user namespace"
                )
            )
        else:
            lines.append("sandbox: NONE - WARNING: student code can read and write what you can")
            lines.append(f"  bubblewrap is not usable here: {self.problem}")
            lines.append("  install it (Debian/Ubuntu: apt-get install bubblewrap) before grading")
        lim = Limits()
        lines.append(
            f"limits: {lim.cpu_seconds} s CPU, {lim.memory_bytes / 2**30:g} GiB address space, "
            f"{lim.processes} processes, {lim.file_bytes / 2**20:g} MiB per file written, "
            f"{lim.open_files} open files; wall clock per test and per notebook"
        )
        lines.extend(self.notes)
        return "\n".join(lines)


_ISOLATION: Isolation | None = None


def isolation(refresh: bool = False) -> Isolation:
    """Find out (once) whether bubblewrap works here, by running ``true`` in a sandbox."""
    global _ISOLATION
    if _ISOLATION is not None and not refresh:
        return _ISOLATION
    if os.environ.get("AUTOGRADER_NO_SANDBOX") == "1":
        _ISOLATION = Isolation(None, "turned off by AUTOGRADER_NO_SANDBOX=1")
        return _ISOLATION
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        _ISOLATION = Isolation(None, "the bwrap program is not installed")
        return _ISOLATION
    probe = subprocess.run(
        [
            bwrap,
            *_bwrap_args(Path("/tmp"), ["/usr", "/bin", "/lib", "/lib64"]),
            "--remount-ro",
            "/",
            "--",
            "/bin/true",
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    if probe.returncode != 0:
        _ISOLATION = Isolation(None, f"a test sandbox failed: {probe.stderr.strip()[:300]}")
        return _ISOLATION
    _ISOLATION = Isolation(bwrap, unprivileged_user=os.geteuid() == 0)
    return _ISOLATION


def _bwrap_args(scratch: Path, readonly: list[str]) -> list[str]:
    """bubblewrap's options: namespaces, an empty read-only root, ``readonly`` bound at their
    own paths, and ``scratch`` at /scratch (and at /tmp, unless this Python lies under /tmp,
    which a /tmp mount would hide; TMPDIR points at /scratch either way)."""
    args = [
        "--unshare-ipc",
        "--unshare-pid",
        "--unshare-net",
        "--unshare-uts",
        "--unshare-cgroup-try",
        "--die-with-parent",
        "--new-session",
        "--hostname",
        "sandbox",
        "--tmpfs",
        "/",
        "--dev",
        "/dev",
        "--proc",
        "/proc",
    ]
    if os.geteuid() != 0:
        args += ["--unshare-user"]
    # bwrap makes missing parent folders with mode 0700, which the unprivileged user could not
    # cross: make them first, readable, in the empty root.
    made: set[str] = set()
    for path in readonly:
        for parent in reversed(Path(path).parents[:-1]):
            if str(parent) not in made and Path(parent).exists():
                made.add(str(parent))
                args += ["--perms", "0755", "--dir", str(parent)]
    for path in readonly:
        args += ["--ro-bind-try", path, path]
    args += ["--bind", str(scratch), "/scratch"]
    if not any(Path(p).is_relative_to("/tmp") for p in readonly):
        args += ["--bind", str(scratch), "/tmp"]
    args += [
        "--setenv",
        "TMPDIR",
        "/scratch",
        "--chdir",
        "/scratch",
        "--setenv",
        "HOME",
        "/scratch",
    ]
    return args


def python_paths() -> list[str]:
    """The folders this Python needs to run: the interpreter's prefix and the environment's."""
    paths = {sys.base_prefix, sys.prefix, sysconfig.get_paths()["purelib"]}
    exe = Path(sys.executable)
    paths.add(str(exe.parent))
    paths.add(str(exe.resolve().parent.parent))
    return sorted(paths)


def _limit(limits: Limits, uid: int | None):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 5))
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_bytes, limits.file_bytes))
        resource.setrlimit(resource.RLIMIT_NOFILE, (limits.open_files, limits.open_files))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if uid is not None or os.geteuid() != 0:
            # Counted per real user id: a slot's own uid when root, else the grader's user,
            # who already runs some processes.
            mine = _process_count(os.getuid()) if uid is None else 0
            resource.setrlimit(
                resource.RLIMIT_NPROC, (mine + limits.processes, mine + limits.processes)
            )

    return apply


def _process_count(uid: int) -> int:
    count = 0
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    count += 1
            except OSError:
                continue
    return count


def start_worker(
    scratch: Path,
    slot: int = 0,
    limits: Limits | None = None,
    blocked_modules: list[str] | None = None,
    library: str | None = None,
) -> subprocess.Popen:
    """Start ``sandbox_worker.py`` for one student, with ``scratch`` as its only writable folder
    (and ``library``, a folder of Python packages, importable and read-only)."""
    limits = limits or Limits()
    iso = isolation()
    scratch.mkdir(parents=True, exist_ok=True)
    worker_dir = scratch.parent / (scratch.name + "-worker")
    worker_dir.mkdir(exist_ok=True)
    shutil.copy2(WORKER_SCRIPT, worker_dir / "worker.py")
    uid = FIRST_SANDBOX_UID + slot if os.geteuid() == 0 and iso.sandboxed else None
    if uid is not None:
        os.chown(scratch, uid, uid)
        os.chmod(scratch, 0o700)
        for path in (worker_dir, worker_dir / "worker.py"):
            os.chmod(path, 0o755 if path.is_dir() else 0o644)
    settings = {
        "scratch": "/scratch" if iso.sandboxed else str(scratch),
        "blocked_modules": blocked_modules or [],
        "extra_path": [("/grader-lib" if iso.sandboxed else library)] if library else [],
    }
    python = [sys.executable, "-I", "-B"]
    if iso.sandboxed:
        readonly = ["/usr", "/bin", "/lib", "/lib64", "/etc/alternatives", "/etc/ld.so.cache"]
        readonly += python_paths()
        hidden = []
        for name in blocked_modules or []:
            package = Path(sysconfig.get_paths()["purelib"]) / name
            if package.is_dir():
                hidden += ["--tmpfs", str(package)]  # not even the files are there
        command = [iso.bubblewrap, *_bwrap_args(scratch, readonly)]
        command += ["--ro-bind", str(worker_dir), "/grader", *hidden]
        if library:
            command += ["--ro-bind", str(library), "/grader-lib"]
        command += ["--remount-ro", "/"]
        if uid is not None:
            # bwrap runs as root (to read this Python wherever it lies), then the worker drops
            # to its own user id before any student code runs, with no way back.
            command += [
                "--",
                shutil.which("setpriv") or "/usr/bin/setpriv",
                f"--reuid={uid}",
                f"--regid={uid}",
                "--clear-groups",
                "--inh-caps=-all",
                "--bounding-set=-all",
                "--no-new-privs",
            ]
        else:
            command += ["--"]
        command += [*python, "/grader/worker.py", json.dumps(settings)]
        preexec_uid = None
    else:
        # Limits only. The grader's own user runs the code (another user id could not even
        # read this Python where it lies): exactly what the loud warning says.
        command = [*python, str(worker_dir / "worker.py"), json.dumps(settings)]
        preexec_uid = None
        uid = None
    env = {
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "MPLBACKEND": "Agg",
        "PYTHONHASHSEED": "0",
    }
    kwargs = {}
    if preexec_uid is not None:
        kwargs.update(user=preexec_uid, group=preexec_uid, extra_groups=[])
    return subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=str(scratch),
        env=env,
        start_new_session=True,
        preexec_fn=_limit(limits, uid),
        **kwargs,
    )


PROBE = r"""
import os, socket
reached = []
try:
    socket.create_connection(("1.1.1.1", 53), timeout=2).close()
    reached.append("the network")
except OSError:
    pass
for path in PATHS:
    try:
        os.listdir(path)
        reached.append("read " + path)
    except OSError:
        pass
for path in ("/usr/sandbox-probe", "/sandbox-probe"):
    try:
        open(path, "w").close()
        reached.append("wrote " + path)
    except OSError:
        pass
if reached:
    raise RuntimeError("; ".join(reached))
"""


def self_test(course_root: Path | None = None) -> list[str]:
    """Run a probe in a real sandbox; return what it could reach that it must not."""
    import tempfile

    from .judge import Judge, NotebookRun

    root = Path(course_root or Path.cwd()).resolve()
    # The folders above this Python's own are there (empty but for it); what is in them is not.
    paths = sorted(
        {str(root / "solutions"), str(root / "autograder"), str(root / "exercises"), "/etc/ssh"}
        | {
            str(p)
            for p in Path.home().iterdir()
            if not any(Path(q).is_relative_to(p) for q in python_paths())
        }
    )
    run = NotebookRun(
        student_cells=[],
        setup_cells=[],
        test_cells=[("probe", f"PATHS = {paths!r}\n" + PROBE)],
        verdicts="sandbox",
        test_timeout=30,
        notebook_timeout=60,
    )
    with tempfile.TemporaryDirectory(prefix="autograder-doctor-") as tmp:
        outcome = Judge(run, Path(tmp) / "scratch").grade()[0]
    if outcome.passed:
        return []
    return [f"a sandboxed process could: {outcome.message}"]
