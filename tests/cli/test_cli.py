"""The CLI contract through click's runner: classify, items --json, themes, retheme, --db."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tui.cli.group import main
from tui.model import ItemQuery
from tui.store import Store
from tui.themes import load_lexicon


def run(*args: str, input: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)
    return result.exit_code, result.output


def test_classify_reads_json_lines_and_touches_no_database(db_path: Path) -> None:
    lines = [
        {
            "id": "a",
            "title": "US tightens export controls on Nvidia H20 chips to China",
            "summary": "The Commerce Department's new rules on AI accelerators target Huawei.",
        },
        {"id": 2, "title": "Bitcoin hits record", "text": "Investors pile into crypto."},
        {"id": "c", "title": ""},
    ]
    code, out = run("classify", input="\n".join(json.dumps(x) for x in lines) + "\n")
    assert code == 0
    results = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in results] == ["a", 2, "c"]
    first = {t["id"] for t in results[0]["themes"]}
    assert "chips" in first
    assert "Nvidia" in results[0]["actors"]
    assert all(set(t) == {"id", "score"} for t in results[0]["themes"])
    assert results[1]["themes"] == [] and results[2]["themes"] == []
    assert not db_path.exists()


def test_classify_reports_bad_lines_and_continues(db_path: Path) -> None:
    code, out = run("classify", "--json", input='not json\n[1,2]\n{"id": 1, "title": "x"}\n')
    results = [json.loads(line) for line in out.splitlines()]
    assert code == 1
    assert [r["id"] for r in results] == [None, None, 1]
    assert "invalid JSON" in results[0]["error"] and "object" in results[1]["error"]


def test_items_json_has_the_contract_fields(db_path: Path) -> None:
    code, out = run("items", "--json", "--limit", "100")
    assert code == 0
    items = json.loads(out)
    assert len(items) >= 5
    required = {
        "id",
        "source",
        "title",
        "url",
        "published",
        "read",
        "starred",
        "tags",
        "themes",
        "actors",
    }
    for item in items:
        assert required <= set(item)
        assert isinstance(item["tags"], list) and isinstance(item["actors"], list)
        for theme in item["themes"]:
            assert set(theme) == {"id", "score", "origin"}
    assert {i["source"] for i in items} == {"Seed corpus"}
    published = [i["published"] for i in items if i["published"]]
    assert published == sorted(published, reverse=True)


def test_items_filters_by_theme_search_and_source(db_path: Path) -> None:
    _, out = run("items", "--json", "--theme", "open-models")
    open_items = json.loads(out)
    assert open_items and all("open-models" in {t["id"] for t in i["themes"]} for i in open_items)
    _, out = run("items", "--json", "--search", "Bitcoin")
    assert any("Bitcoin" in i["title"] for i in json.loads(out))
    _, out = run("items", "--json", "--source", "Seed corpus", "--limit", "2")
    assert len(json.loads(out)) == 2
    code, out = run("items", "--theme", "no-such-theme")
    assert code != 0 and "unknown theme" in out
    code, out = run("items", "--source", "nope")
    assert code != 0 and "no source" in out


def test_themes_json_lists_all_eleven_with_counts(db_path: Path) -> None:
    code, out = run("themes", "--json")
    assert code == 0
    rows = json.loads(out)
    assert [r["id"] for r in rows] == load_lexicon().theme_ids
    assert len(rows) == 11
    assert all({"id", "name", "count"} <= set(r) for r in rows)
    assert next(r for r in rows if r["id"] == "open-models")["count"] >= 5


def test_db_option_beats_environment(db_path: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    code, _ = run("--db", str(other), "themes")
    assert code == 0 and other.exists() and not db_path.exists()


def test_retheme_keeps_user_decisions(db_path: Path) -> None:
    run("items")  # creates the database and loads the seed corpus
    with Store.open(db_path) as store:
        item = store.list_items(ItemQuery(theme="open-models"))[0]
        store.set_user_theme(item.id, "open-models", False)
        store.set_user_theme(item.id, "defense", True)
        store.conn.execute("DELETE FROM item_themes WHERE origin = 'rule'")
    code, out = run("retheme", "--json")
    assert code == 0 and json.loads(out)["items"] >= 5
    with Store.open(db_path) as store:
        themes = {t.id for t in store.get_item(item.id).themes}  # type: ignore[union-attr]
        assert "defense" in themes and "open-models" not in themes
        assert store.theme_counts()["open-models"][0] >= 4


@pytest.mark.parametrize("title", ["\x1b]52;c;aGk=\x07evil\x1b[2J", "[@click=app.quit]x[/]"])
def test_text_listing_prints_no_escapes(db_path: Path, title: str) -> None:
    from tui.model import Classification, NewItem

    with Store.open(db_path) as store:
        source_id, _ = store.add_source("https://a.test/feed", "A\x1b[31m")
        store.save_items(source_id, [(NewItem(guid="1", title=title, text="t"), Classification())])
    code, out = run("items", "--source", "https://a.test/feed")
    assert code == 0
    assert "\x1b" not in out and "\x07" not in out
    if title.startswith("["):
        assert "[@click=app.quit]" in out


def test_items_search_takes_the_query_language(db_path: Path) -> None:
    code, out = run("items", "--json", "--search", "theme:open-models -sputnik")
    assert code == 0
    items = json.loads(out)
    assert items and all("open-models" in {t["id"] for t in i["themes"]} for i in items)
    _, everything = run("items", "--json", "--theme", "open-models")
    assert len(items) < len(json.loads(everything))
    result = CliRunner().invoke(main, ["items", "--search", "since:abc chips"])
    assert result.exit_code == 0 and "since" in result.output


def test_every_command_family_is_named_in_the_lazy_group() -> None:
    """The group imports a family only when one of its commands is asked for: every
    command of every family must be listed in COMMAND_MODULES under its own family."""
    import importlib
    import pkgutil

    import tui.cli
    from tui.cli.group import COMMAND_MODULES

    found: dict[str, str] = {}
    for info in pkgutil.iter_modules(tui.cli.__path__):
        module = importlib.import_module(f"tui.cli.{info.name}")
        for command in getattr(module, "COMMANDS", ()):
            found[command.name] = info.name
    assert found == COMMAND_MODULES
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for name in found:
        assert f"  {name} " in result.output


def test_a_command_loads_only_its_own_family(tmp_path: Path) -> None:
    """`aigeo refresh` does not import the other families (start-up time)."""
    import subprocess
    import sys

    code = (
        "import sys; from tui.cli.group import main\n"
        "main.get_command(None, 'refresh')\n"
        "print(sorted(m for m in sys.modules if m.startswith('tui.cli.')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    assert done.stdout.strip() == "['tui.cli.context', 'tui.cli.feeds', 'tui.cli.group']"
