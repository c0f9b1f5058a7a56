"""Tests of the typed config loader, the example config and the config/database locations."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from core import paths
from core.analysis import match
from core.config import (
    Config,
    ConfigError,
    known_key_paths,
    load_config,
    parse_config,
    parse_duration,
    parse_size,
)

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "config.example.toml"
FREE_FORM = ("keys", "routing", "templates", "outcomes", "alerts", "categories.rules",
             "reply_limits")

FEED = '[[sources]]\nkind = "feed"\nname = "Blog"\nurl = "https://blog.example/feed"\n'
BRAND = '[brand]\nname = "Northwind Coffee"\n'


def write(tmp_path: Path, text: str, mode: int = 0o644) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    return path


def error_of(tmp_path: Path, text: str, mode: int = 0o644) -> ConfigError:
    path = write(tmp_path, text, mode)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    return caught.value


def documented_keys(text: str) -> set[str]:
    """Section headers and `key =` lines, commented out or not, as dotted key paths."""
    found: set[str] = set()
    section = ""
    for line in text.splitlines():
        header = re.match(r"^#?\s*\[\[?\s*([\w.]+)\s*\]\]?\s*$", line)
        key = re.match(r"^#?\s*(\w+)\s*=", line)
        if header:
            section = header.group(1)
            found.add(section)
        elif key:
            found.add(f"{section}.{key.group(1)}" if section else key.group(1))
    return found


# --- the example -----------------------------------------------------------------------------


def test_example_loads() -> None:
    """It should load config.example.toml without a problem."""
    config = load_config(EXAMPLE)
    assert config.brand.name
    assert config.sources and config.competitors and config.team.members
    assert config.path == EXAMPLE


def test_example_documents_every_key() -> None:
    """It should show every key the loader knows in config.example.toml."""
    documented = documented_keys(EXAMPLE.read_text(encoding="utf-8"))
    missing = sorted(known_key_paths() - documented)
    assert not missing, f"config.example.toml does not document: {missing}"


def test_example_documents_no_unknown_key() -> None:
    """It should not document a key the loader would refuse (commented-out ones included)."""
    known = known_key_paths()
    documented = documented_keys(EXAMPLE.read_text(encoding="utf-8"))
    structural = {
        "brand",
        "brand.products",
        "competitors",
        "sources",
        "network",
        "poller",
        "team",
        "team.members",
        "categories",
        "searches",
        "report",
        "ui",
        "people",
    }
    unknown = [k for k in documented - known - structural if not k.startswith(FREE_FORM)]
    assert not unknown, f"config.example.toml mentions keys the loader refuses: {unknown}"


def test_every_documented_key_has_a_comment() -> None:
    """It should precede each documented non-free-form key with a comment naming it."""
    text = EXAMPLE.read_text(encoding="utf-8")
    for path in known_key_paths():
        leaf = path.rsplit(".", 1)[-1]
        if path in FREE_FORM or path.startswith(FREE_FORM):
            continue
        assert re.search(rf"^#\s*\[*{leaf}\]*:", text, re.MULTILINE) or re.search(
            rf"^# \[\[?[\w.]*{leaf}\]\]?:", text, re.MULTILINE
        ), f"no explaining comment for {path}"


# --- values ----------------------------------------------------------------------------------


def test_parses_durations_sizes_and_defaults() -> None:
    """It should accept duration and size strings and fill documented defaults."""
    text = BRAND + FEED + 'interval = "1h30m"\n[network]\nmax_bytes = "2MiB"\ntimeout = "45s"\n'
    config = parse_config(text)
    assert config.sources[0].interval == 5400
    assert config.network.max_bytes == 2 * 1024 * 1024
    assert config.network.timeout == 45.0
    assert config.network.concurrency == 8 and config.network.per_host == 2
    assert config.poller.jitter == 0.1
    assert parse_duration("15m") == 900 and parse_duration("2d") == 172800
    assert parse_size("512KiB") == 524288


def test_per_host_default_follows_a_lower_concurrency() -> None:
    """It should lower the default per-host limit to a smaller overall limit, silently."""
    network = parse_config("[network]\nconcurrency = 1\n").network
    assert (network.concurrency, network.per_host) == (1, 1)


def test_default_query_and_query_sets() -> None:
    """It should default queries to the quoted name and label each set brand/product/competitor."""
    text = BRAND + '[[brand.products]]\nname = "Burr Mill"\n[[competitors]]\nname = "Beanwise"\n'
    config = parse_config(text)
    kinds = [(m.kind, m.name, q) for m, q in config.query_sets()]
    assert kinds == [
        ("brand", "Northwind Coffee", ('"Northwind Coffee"',)),
        ("product", "Burr Mill", ('"Burr Mill"',)),
        ("competitor", "Beanwise", ("Beanwise",)),
    ]


def test_api_kind_gets_default_url_and_options() -> None:
    """It should give a reddit source its default URL and keep its typed options."""
    text = BRAND + '[[sources]]\nkind = "reddit"\nsubreddit = "coffee"\n'
    source = parse_config(text).sources[0]
    assert source.url == "https://www.reddit.com"
    assert source.options == {"subreddit": "coffee"}
    assert source.name == "reddit coffee"


def test_reserved_sections_are_kept_raw() -> None:
    """It should keep the reserved sections as parsed, for the features that use them."""
    text = (
        '[routing]\nidea = "product"\n[outcomes]\nlead = 120\n'
        '[[categories.rules]]\ncategory = "x"\n'
    )
    config = parse_config(text)
    assert config.reserved["routing"] == {"idea": "product"}
    assert "outcomes" not in config.reserved and config.outcomes == {"lead": 120}
    assert config.reserved["categories"]["rules"][0]["category"] == "x"


def test_empty_file_is_a_valid_config() -> None:
    """It should accept an empty file (no sources yet) with every default."""
    assert parse_config("") == Config()


# --- errors ----------------------------------------------------------------------------------

ERROR_CASES = [
    # (toml, key path, fragment of the message)
    (BRAND + FEED + "intervall = 60\n", "sources[0].intervall", "did you mean 'interval'?"),
    (
        BRAND + '[[sources]]\nkind = "mastadon"\nurl = "https://m.example"\n',
        "sources[0].kind",
        "did you mean 'mastodon'?",
    ),
    (
        BRAND + '[[sources]]\nkind = "rss"\nurl = "https://b.example/rss"\n',
        "sources[0].kind",
        "did you mean 'feed'?",
    ),
    (BRAND + FEED + "interval = 30\n", "sources[0].interval", "expected from 1m to 7d, got 30s"),
    (BRAND + FEED + 'interval = "8d"\n', "sources[0].interval", "expected from 1m to 7d"),
    (BRAND + FEED + 'interval = "soon"\n', "sources[0].interval", "not a duration"),
    (BRAND + FEED + "interval = 1.5\n", "sources[0].interval", "expected seconds as an integer"),
    (
        BRAND + '[[sources]]\nkind = "feed"\nurl = "ftp://b.example/x"\n',
        "sources[0].url",
        "expected an http or https URL",
    ),
    (
        BRAND + '[[sources]]\nkind = "feed"\nurl = "https://u:p@b.example/x"\n',
        "sources[0].url",
        "must not carry a user name or password",
    ),
    (BRAND + '[[sources]]\nkind = "feed"\nname = "x"\n', "sources[0]", "missing 'url'"),
    (BRAND + '[[sources]]\nname = "x"\n', "sources[0]", "missing 'kind'"),
    (BRAND + '[sources]\nkind = "feed"\n', "sources", "write [[sources]] with two brackets"),
    (
        BRAND + '[[sources]]\nkind = "reddit"\ntag = "x"\n',
        "sources[0].tag",
        "'tag' belongs to mastodon sources",
    ),
    (
        BRAND + '[[sources]]\nkind = "mastodon"\nurl = "https://m.example"\nany = "x"\n',
        "sources[0].any",
        "expected a list of strings",
    ),
    (BRAND + FEED + "owned = 1\n", "sources[0].owned", "expected true or false"),
    (FEED, "brand.name", "set [brand] name"),
    (BRAND + "[netwrok]\ntimeout = 5\n", "netwrok", "did you mean 'network'?"),
    ('[network]\ntimeout = "fast"\n', "network.timeout", "not a duration"),
    ("[network]\ntimeout = 900\n", "network.timeout", "expected from 1 to 300 seconds"),
    ('[network]\nmax_bytes = "1KiB"\n', "network.max_bytes", "expected from 64KiB to 1GiB"),
    ("[network]\nmax_redirects = 9\n", "network.max_redirects", "at most 5 redirects"),
    ('[network]\nuser_agent = "curl/8"\n', "network.user_agent", "names listenpost"),
    ("[network]\nconcurrency = true\n", "network.concurrency", "expected an integer"),
    ("[network]\nconcurrency = 2\nper_host = 4\n", "network.per_host", "at most concurrency (2)"),
    ("[poller]\njitter = 2\n", "poller.jitter", "expected a number from 0 to 0.5"),
    (
        '[team]\nme = "bob"\n[[team.members]]\nname = "Ana"\nhandle = "ana"\n',
        "team.me",
        "expected the handle of a team member (ana)",
    ),
    (
        '[[team.members]]\nname = "Ana"\nhandle = "a b"\n',
        "team.members[0].handle",
        "expected letters, digits",
    ),
    ('[keys]\ndone = "e"\nstar = "e"\n', "keys.star", "already bound to 'done'"),
    ('[outcomes]\nlead = "lots"\n', "outcomes.lead", "expected its value as a number"),
    ("[routing]\nidea = 3\n", "routing.idea", "expected a team name"),
    ("[[categories.rules]]\nany = [1, 2]\n", "categories.rules[0].any", "list of strings"),
    ("[categories]\nrulez = []\n", "categories.rulez", "did you mean 'rules'?"),
    ('[[competitors]]\nqueries = ["x"]\n', "competitors[0]", "missing 'name'"),
    ('[brand]\nname = "N"\nqueries = [""]\n', "brand.queries[0]", "empty query"),
]


@pytest.mark.parametrize(("text", "key_path", "fragment"), ERROR_CASES)
def test_error_names_file_line_key_and_expectation(
    tmp_path: Path, text: str, key_path: str, fragment: str
) -> None:
    """It should report file, line, key path and what was expected for each kind of mistake."""
    error = error_of(tmp_path, text)
    problem = next((p for p in error.problems if p.key_path == key_path), None)
    assert problem is not None, f"no problem at {key_path}: {error}"
    assert fragment in problem.message
    assert problem.line is not None and 1 <= problem.line <= text.count("\n")
    assert f"{tmp_path / 'config.toml'}:{problem.line}: {key_path}: " in str(error)
    assert error.path == tmp_path / "config.toml"


def test_error_line_points_at_the_key(tmp_path: Path) -> None:
    """It should place a problem on the line of the offending key in the right [[sources]]."""
    text = (
        BRAND + FEED + FEED.replace("Blog", "Other").replace('feed"', 'feedx"') + "interval = 5\n"
    )
    error = error_of(tmp_path, text)
    lines = text.splitlines()
    for problem in error.problems:
        assert problem.key_path.startswith("sources[1]")
        assert problem.line is not None
        wanted = problem.key_path.rsplit(".", 1)[-1]
        assert lines[problem.line - 1].startswith(wanted)


def test_all_errors_are_collected(tmp_path: Path) -> None:
    """It should report every problem in the file, each on its own line, in file order."""
    text = BRAND + FEED + "intervall = 60\n[network]\ntimeout = 0\n[poller]\njitter = -1\n"
    error = error_of(tmp_path, text)
    assert [p.key_path for p in error.problems] == [
        "sources[0].intervall",
        "network.timeout",
        "poller.jitter",
    ]
    assert len(str(error).splitlines()) == 3


def test_invalid_toml_names_file_and_line(tmp_path: Path) -> None:
    """It should turn a TOML syntax error into a ConfigError with the file and line."""
    error = error_of(tmp_path, '[brand]\nname = "x"\nqueries = [\n"a" "b"]\n')
    assert error.line == 4
    assert str(error).startswith(f"{tmp_path / 'config.toml'}:4: invalid TOML:")


def test_missing_file_names_it(tmp_path: Path) -> None:
    """It should say which file is missing and how to get one."""
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "nope.toml")
    assert "nope.toml" in str(caught.value) and "config.example.toml" in str(caught.value)


def test_duplicate_source_by_name_and_by_target(tmp_path: Path) -> None:
    """It should name both positions when a source is added twice."""
    same_name = error_of(tmp_path, BRAND + FEED + FEED.replace("blog.example", "other.example"))
    assert same_name.key_path == "sources[1]"
    assert "'Blog' is already used by sources[0]" in same_name.message
    same_target = error_of(tmp_path, BRAND + FEED + FEED.replace('"Blog"', '"Blog 2"') + "")
    assert same_target.key_path == "sources[1]"
    assert "repeats sources[0]" in same_target.message


def test_duplicate_target_ignores_trailing_slash_and_host_case(tmp_path: Path) -> None:
    """It should see https://B.example/feed/ and https://b.example/feed as the same source."""
    second = FEED.replace('"Blog"', '"B2"').replace("blog.example/feed", "BLOG.example/feed/")
    assert "repeats sources[0]" in error_of(tmp_path, BRAND + FEED + second).message


# --- secrets ---------------------------------------------------------------------------------

TOKEN = "tok_9f8e7d6c5b4a39281706"
MASTODON = (
    f'[[sources]]\nkind = "mastodon"\nurl = "https://m.example"\ntag = "x"\ntoken = "{TOKEN}"\n'
)


def test_token_in_readable_file_is_refused_with_chmod(tmp_path: Path) -> None:
    """It should refuse a token in a group/world-readable file and print the chmod to run."""
    error = error_of(tmp_path, BRAND + MASTODON, mode=0o644)
    assert error.key_path == "sources[0].token"
    assert f"chmod 600 {tmp_path / 'config.toml'}" in str(error)
    assert TOKEN not in str(error) and TOKEN not in repr(error)


def test_token_in_owner_only_file_is_accepted_and_hidden(tmp_path: Path) -> None:
    """It should accept a token in a chmod 600 file and keep it out of reprs."""
    config = load_config(write(tmp_path, BRAND + MASTODON, mode=0o600))
    assert config.sources[0].token == TOKEN
    assert TOKEN not in repr(config) and TOKEN not in repr(config.sources[0])


def test_token_without_a_file_is_refused() -> None:
    """It should refuse a token when the text comes from no file whose mode it can check."""
    with pytest.raises(ConfigError) as caught:
        parse_config(BRAND + MASTODON)
    assert "token_env" in str(caught.value) and TOKEN not in str(caught.value)


def test_token_value_in_token_env_is_not_echoed(tmp_path: Path) -> None:
    """It should refuse a token pasted into token_env without repeating it."""
    text = BRAND + MASTODON.replace(f'token = "{TOKEN}"', 'token_env = "ghp-abc.123/xyz"')
    error = error_of(tmp_path, text, mode=0o600)
    assert error.key_path == "sources[0].token_env"
    assert "NAME of an environment variable" in error.message
    assert "ghp-abc.123/xyz" not in str(error)


def test_token_of_wrong_type_is_not_echoed(tmp_path: Path) -> None:
    """It should not show a token's value even when its type is wrong."""
    text = BRAND + MASTODON.replace(f'"{TOKEN}"', "918273645546372819")
    error = error_of(tmp_path, text, mode=0o600)
    assert "918273645546372819" not in str(error)
    assert "expected a string, got an integer" in str(error)


# --- listening queries -----------------------------------------------------------------------


def test_bad_query_names_the_key(tmp_path: Path) -> None:
    """It should report a query core.analysis.match refuses at its key path."""
    bad = '"unclosed phrase'
    with pytest.raises(match.QueryError):
        match.compile_query(bad)
    error = error_of(tmp_path, "[brand]\nname = \"N\"\nqueries = ['ok', '\"unclosed phrase']\n")
    assert error.key_path == "brand.queries[1]"
    assert "invalid listening query" in error.message


# --- locations -------------------------------------------------------------------------------


def test_paths_flag_beats_env_beats_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It should prefer --config/--db, then LISTENPOST_CONFIG/LISTENPOST_DB, then platformdirs."""
    monkeypatch.setenv("LISTENPOST_CONFIG", str(tmp_path / "env.toml"))
    monkeypatch.setenv("LISTENPOST_DB", str(tmp_path / "env.db"))
    assert paths.config_path(str(tmp_path / "flag.toml")) == tmp_path / "flag.toml"
    assert paths.db_path(str(tmp_path / "flag.db")) == tmp_path / "flag.db"
    assert paths.config_path(None) == tmp_path / "env.toml"
    assert paths.db_path(None) == tmp_path / "env.db"


def test_default_paths_use_platformdirs_without_creating_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It should fall back to the per-user dirs and create no directory."""
    monkeypatch.delenv("LISTENPOST_CONFIG", raising=False)
    monkeypatch.setenv("LISTENPOST_DB", "")  # empty counts as unset
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    config, db = paths.config_path(None), paths.db_path(None)
    assert config.name == "config.toml" and "listenpost" in config.parts
    assert db.name == "listenpost.db" and "listenpost" in db.parts
    assert not config.parent.exists() and not db.parent.exists()


def test_saved_searches_are_read_and_checked() -> None:
    """It should read [[searches]] and refuse a nameless or duplicate one with its key path."""
    config = parse_config('[[searches]]\nname = "Refunds"\nquery = "refund"\n')
    assert [(s.name, s.query) for s in config.searches] == [("Refunds", "refund")]
    text = '[[searches]]\nname = "A"\nquery = "x"\n[[searches]]\nname = "A"\nquery = "y"\n'
    with pytest.raises(ConfigError, match=r"searches\[1\]\.name: a saved search named 'A'"):
        parse_config(text)
