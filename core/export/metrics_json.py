"""``--export FILE.json --report metrics``: the period's metrics for machines.

The document is ``core.metrics.document.metrics_document`` (keys documented in the README),
written with a fixed key order, so the same data gives the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TextIO

from core.export.report import Report, Summary
from core.metrics.document import metrics_document
from core.store import StoredMention


class MetricsJsonWriter:
    """Writes the metrics document at the end; the mentions themselves are not part of it."""

    def __init__(self, report: Report, out: TextIO) -> None:
        if report.metrics is None:
            raise ValueError("the metrics report needs the period's metrics computed")
        self._report, self._out = report, out

    def begin(self, summary: Summary) -> None:
        pass

    def add(self, mentions: Sequence[StoredMention]) -> None:
        pass

    def end(self) -> None:
        assert self._report.metrics is not None
        document = metrics_document(self._report.metrics, brand=self._report.brand,
                                    generated_at=self._report.generated_at)
        self._out.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
