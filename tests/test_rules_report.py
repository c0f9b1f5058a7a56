"""Learning from corrections: category overrides by what set them, from a real action log,
through core and through ``listenpost --rules-report``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from core.analysis.match import compile_query
from core.inbox.triage import Ids, Inbox
from core.rules.model import Actions, Conditions, Rule
from core.rules.overrides import Override, overrides
from core.rules.stored import apply
from core.store import Store
from tests.tui.inbox_db import T0, M, create_db, insert

ROOT = Path(__file__).parent.parent
GRINDERS = Rule("grinders", Conditions(query=compile_query("grinder")),
                Actions(category="complaint"))


async def corrected(tmp_path: Path) -> Path:
    db = tmp_path / "o.db"
    await create_db(db)
    ids = insert(db, [M(title="Refund?", category="complaint"),
                      M(title="My grinder sings", category="praise"),
                      M(title="Nice beans", category="idea")])
    async with await Store.open(db) as store:
        inbox = Inbox(store.db, store.transaction, me="ana")
        await inbox.set_category(Ids((ids[0],)), "question", actor="ana", now=T0)
        await apply(store, (GRINDERS,), now=T0 + 1)
        await inbox.set_category(Ids((ids[1],)), "new_use", actor="bo", now=T0 + 2)
        await inbox.set_category(Ids((ids[2],)), "praise", actor="ana", now=T0 + 3)
        await inbox.undo_last("ana", now=T0 + 4)  # undone: not an override, not "by hand"
        summary = await apply(store, (Rule("beans", Conditions(query=compile_query("beans")),
                                           Actions(category="praise")),), now=T0 + 5)
        assert summary.changed == 1 and summary.kept == 0
    return db


async def test_overrides_by_setter(tmp_path: Path) -> None:
    """It should count each override under the rule or classifier that set the category."""
    db = await corrected(tmp_path)
    async with await Store.open(db) as store:
        found = await overrides(store.db)
    assert found == [Override("classifier", "complaint", "question", 1),
                     Override("grinders", "complaint", "new_use", 1)]


async def test_rules_report_command(tmp_path: Path) -> None:
    """It should print the overrides grouped by what set the category."""
    db = await corrected(tmp_path)
    config = tmp_path / "config.toml"
    config.write_text('[brand]\nname = "Northwind"\n', encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "tui.cli", "--config", str(config), "--db",
                             str(db), "--rules-report"], capture_output=True, text=True,
                            cwd=ROOT, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "categories changed by hand, by what set them:",
        "  the classifier: 1 overridden",
        "    complaint -> question: 1",
        "  rule 'grinders': 1 overridden",
        "    complaint -> new_use: 1",
    ]
