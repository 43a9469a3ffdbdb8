"""Load-time errors: what stops the server from starting.

Request-time errors are problem details (:mod:`mockserver.problems`); everything that
goes wrong while reading the document, the keys file or the settings is a
:class:`StartupError`, reported by the CLI as one clear message and exit code 2.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


class StartupError(Exception):
    """The server cannot start. ``source`` names the file or setting at fault."""

    def __init__(self, source: str | Path, problems: str | Sequence[str]) -> None:
        self.source = str(source)
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__(self.render())

    def render(self) -> str:
        """One line per problem, each prefixed with the source it came from."""
        if len(self.problems) == 1:
            return f"{self.source}: {self.problems[0]}"
        lines = [f"{self.source}: {len(self.problems)} problems:"]
        lines += [f"  - {problem}" for problem in self.problems]
        return "\n".join(lines)
