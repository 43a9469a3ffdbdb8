"""Commands from Debian's packages, installed when missing (as root with apt-get).

wrk (the load generator) and redis-server (the shared store) are system programs, not
Python packages; the harness and the test suite install them the same way, so one
command runs either on a fresh Debian machine, and anywhere else they say what to do.
"""

from __future__ import annotations

import os
import shutil
import subprocess

APT_TIMEOUT = 600  # seconds for each of apt-get update / install: bounded, but generous


class PackageUnavailable(RuntimeError):
    """A command is missing and cannot be installed here."""


def can_install() -> bool:
    """Whether :func:`ensure_command` could install a package: apt-get, as root."""
    return shutil.which("apt-get") is not None and os.geteuid() == 0


def ensure_command(command: str, package: str) -> str:
    """The path of ``command``, installing Debian's ``package`` first when it is missing."""
    found = shutil.which(command)
    if found:
        return found
    if not can_install():
        raise PackageUnavailable(
            f"{command} is not installed and cannot be installed here (needs apt-get as "
            f"root); install it yourself, e.g. `sudo apt-get install -y {package}`, and "
            "run again"
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for argv in (["apt-get", "update"], ["apt-get", "install", "-y", package]):
        try:
            done = subprocess.run(
                argv, env=env, capture_output=True, text=True, timeout=APT_TIMEOUT
            )
        except subprocess.TimeoutExpired:
            raise PackageUnavailable(f"`{' '.join(argv)}` took over {APT_TIMEOUT} s") from None
        if done.returncode != 0:
            tail = "\n".join((done.stdout + done.stderr).splitlines()[-8:])
            raise PackageUnavailable(f"`{' '.join(argv)}` failed:\n{tail}")
    found = shutil.which(command)
    if not found:
        raise PackageUnavailable(f"apt-get installed {package}, but no {command} is on PATH")
    return found
