"""manage.py import_issue on a folder of house-style files."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article
from digest.models import Entry, Issue
from tests.ops.samples import issue_markdown

pytestmark = pytest.mark.django_db


def write_issues(folder: Path, numbers: list[int]) -> None:
    folder.mkdir(exist_ok=True)
    for number in numbers:
        (folder / f"ops-brief-{number}.md").write_text(issue_markdown(number), encoding="utf-8")


def import_folder(folder: Path) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_issue", str(folder), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def counts() -> tuple[int, int, int]:
    return Issue.objects.count(), Entry.objects.count(), Article.objects.count()


def test_import_folder_imports_every_issue_with_a_progress_bar(tmp_path) -> None:
    write_issues(tmp_path / "issues", [20240105, 20240112, 20240119])
    out, err = import_folder(tmp_path / "issues")
    assert out.split() == ["20240105", "20240112", "20240119"]
    assert "Importing" in err and "3/3" in err
    assert counts() == (3, 9, 9)
    issue = Issue.objects.get(number=20240112)
    assert issue.digest.slug == "ops-brief"
    assert [entry.title for entry in issue.entries.all()] == [
        "Small models 20240112",
        "Reading list 20240112",
        "Open datasets 20240112",
    ]


def test_importing_the_same_folder_again_changes_nothing(tmp_path) -> None:
    write_issues(tmp_path / "issues", [20240105, 20240112])
    import_folder(tmp_path / "issues")
    before = counts()
    out, _ = import_folder(tmp_path / "issues")
    assert out.split() == ["20240105", "20240112"]
    assert counts() == before


def test_a_malformed_file_is_reported_after_the_others_are_imported(tmp_path) -> None:
    write_issues(tmp_path / "issues", [20240105, 20240119])
    (tmp_path / "issues" / "ops-brief-20240112.md").write_text(
        "> 导读： 本期为 Ops Brief 20240112 期\n\n# 2. [misnumbered](https://example.com/x) | X\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match=r"1 of 3 file\(s\) could not be imported"):
        import_folder(tmp_path / "issues")
    assert sorted(Issue.objects.values_list("number", flat=True)) == [20240105, 20240119]
