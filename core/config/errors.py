"""Config errors: every problem in a file, each with its line, key path and expectation."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Problem:
    """One mistake in the file: where it is and what was expected."""

    key_path: str
    message: str
    line: int | None = None


class ConfigError(Exception):
    """Every problem found in one config file; ``str()`` gives one ``file:line: …`` per line.

    ``path``, ``key_path``, ``line`` and ``message`` describe the first problem, for callers that
    show only one; ``problems`` holds them all.
    """

    def __init__(self, path: Path | None, problems: Collection[Problem]) -> None:
        self.path = path
        self.problems = tuple(problems) or (Problem("", "invalid config"),)
        first = self.problems[0]
        self.key_path = first.key_path
        self.line = first.line
        self.message = first.message
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(self._format(problem) for problem in self.problems)

    def _format(self, problem: Problem) -> str:
        where = str(self.path) if self.path is not None else "<config>"
        if problem.line is not None:
            where += f":{problem.line}"
        if problem.key_path:
            return f"{where}: {problem.key_path}: {problem.message}"
        return f"{where}: {problem.message}"


