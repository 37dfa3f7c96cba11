"""An editor's week in the admin: paste URLs, assemble an issue, preview, publish, download."""

import pytest
from django.db.models.fields.files import FieldFile
from django.urls import reverse

from articles.models import Article
from digest.models import Entry, Issue
from digest.services import issue_publish
from tests.factories import ArticleFactory, EntryFactory, IssueFactory, contributor, editor

pytestmark = pytest.mark.django_db


def change_form_data(response) -> dict:
    """The POST body the browser would send for an unchanged admin change form."""
    data: dict = {}
    forms = [response.context["adminform"].form]
    for formset in response.context["inline_admin_formsets"]:
        fs = formset.formset
        mgmt = fs.management_form
        for name in mgmt.fields:
            data[mgmt.add_prefix(name)] = mgmt[name].value()
        forms.extend(fs.forms)
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            key = form.add_prefix(name)
            if value is None or value is False or isinstance(value, FieldFile):
                continue
            if isinstance(value, list | tuple):
                data[key] = [str(v) for v in value]
            elif hasattr(value, "pk"):
                data[key] = value.pk
            else:
                data[key] = value
    return data


@pytest.fixture
def editor_client(client):
    client.force_login(editor())
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the admin speaks the browser's language
    return client


def test_bulk_add_urls_page_creates_and_matches_articles(editor_client) -> None:
    ArticleFactory.create(canonical_url="https://arxiv.org/abs/2102.06171")
    url = reverse("admin:articles_article_add_urls")
    assert editor_client.get(url).status_code == 200
    response = editor_client.post(
        url,
        {"urls": "https://arxiv.org/abs/2102.06171v2\nhttps://github.com/google/jax\nnope nope"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "New: 1. Already known: 1. Not added: 1." in body
    assert "(existing)" in body and "(new)" in body
    assert Article.objects.count() == 2
    # the line that failed is given back for correction, nothing is lost
    assert response.context["form"].initial["urls"] == "nope nope"


def test_changelist_links_to_the_bulk_page(editor_client) -> None:
    response = editor_client.get(reverse("admin:articles_article_changelist"))
    assert reverse("admin:articles_article_add_urls") in response.content.decode()


def test_editing_an_article_by_hand_protects_the_field_from_refetch(editor_client) -> None:
    article = ArticleFactory.create(title="scraped")
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = change_form_data(editor_client.get(url))
    data["title"] = "编辑改过的标题"
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert article.title == "编辑改过的标题"
    assert article.edited_fields == ["title"]


def test_the_article_form_shows_who_edited_which_fields(editor_client) -> None:
    article = ArticleFactory.create(title="scraped")
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = change_form_data(editor_client.get(url))
    data["title"] = "编辑改过的标题"
    data["summary"] = "编辑写的摘要"
    editor_client.post(url, data)

    article.refresh_from_db()
    page = editor_client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert article.edited_by is not None and article.edited_at is not None
    assert article.edited_by.get_username() in page
    assert '<ul class="edited-fields"><li>摘要</li><li>标题</li></ul>' in page


def test_reordering_and_overriding_entries_in_the_issue_form(editor_client) -> None:
    issue = IssueFactory.create()
    first, second = (
        EntryFactory.create(issue=issue, position=1),
        EntryFactory.create(issue=issue, position=2),
    )
    url = reverse("admin:digest_issue_change", args=[issue.pk])
    data = change_form_data(editor_client.get(url))
    prefix = "entries"
    for i in range(2):
        if data[f"{prefix}-{i}-id"] == first.pk:
            data[f"{prefix}-{i}-position"] = 2
            data[f"{prefix}-{i}-section"] = "others"
            data[f"{prefix}-{i}-title_override"] = "覆盖的标题"
        else:
            data[f"{prefix}-{i}-position"] = 1
    response = editor_client.post(url, data)
    assert response.status_code == 302
    assert list(issue.entries.values_list("pk", flat=True)) == [second.pk, first.pk]
    first.refresh_from_db()
    assert first.section == "others" and first.title_override == "覆盖的标题"
    assert first.article.title != "覆盖的标题"


def test_publish_and_unpublish_buttons(editor_client) -> None:
    issue = EntryFactory.create().issue
    page = editor_client.get(reverse("admin:digest_issue_change", args=[issue.pk]))
    assert "Publish now" in page.content.decode()
    assert (
        editor_client.get(reverse("admin:digest_issue_publish", args=[issue.pk])).status_code == 405
    )
    editor_client.post(reverse("admin:digest_issue_publish", args=[issue.pk]))
    issue.refresh_from_db()
    assert issue.status == Issue.Status.PUBLISHED
    editor_client.post(reverse("admin:digest_issue_unpublish", args=[issue.pk]))
    issue.refresh_from_db()
    assert issue.status == Issue.Status.DRAFT


def test_publishing_an_empty_issue_explains_why_not(editor_client) -> None:
    issue = IssueFactory.create()
    response = editor_client.post(
        reverse("admin:digest_issue_publish", args=[issue.pk]), follow=True
    )
    assert "at least one entry" in response.content.decode()
    issue.refresh_from_db()
    assert issue.status == Issue.Status.DRAFT


def test_markdown_download_and_preview(editor_client) -> None:
    entry = EntryFactory.create(issue__number=20210219)
    issue = entry.issue
    response = editor_client.get(reverse("admin:digest_issue_export", args=[issue.pk, "markdown"]))
    assert response["Content-Disposition"] == 'attachment; filename="ai-brief-20210219.md"'
    text = response.content.decode()
    assert text.startswith("[TOC]")
    assert f"# 1. [{entry.article.title}]({entry.article.canonical_url})" in text
    preview = editor_client.get(reverse("admin:digest_issue_preview", args=[issue.pk]))
    assert preview.status_code == 200
    assert "no-store" in preview["Cache-Control"]
    assert entry.article.title in preview.content.decode()
    missing = editor_client.get(reverse("admin:digest_issue_export", args=[issue.pk, "pdf"]))
    assert missing.status_code == 404


def test_published_issue_inline_offers_no_delete(editor_client) -> None:
    issue = EntryFactory.create().issue
    issue_publish(issue=issue)
    response = editor_client.get(reverse("admin:digest_issue_change", args=[issue.pk]))
    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.can_delete is False


def test_contributor_adds_articles_but_cannot_publish(client) -> None:
    client.force_login(contributor())
    issue = EntryFactory.create().issue
    assert client.get(reverse("admin:articles_article_add_urls")).status_code == 200
    assert client.get(reverse("admin:articles_article_add")).status_code == 200
    response = client.post(reverse("admin:digest_issue_publish", args=[issue.pk]))
    assert response.status_code == 403
    issue.refresh_from_db()
    assert issue.status == Issue.Status.DRAFT
    page = client.get(reverse("admin:digest_issue_change", args=[issue.pk]))
    assert page.status_code == 200
    assert "Publish now" not in page.content.decode()
    changelist = client.get(reverse("admin:digest_issue_changelist"))
    assert "publish_selected" not in changelist.content.decode()


def test_new_issue_form_is_prefilled_from_the_digest(editor_client) -> None:
    EntryFactory.create()
    response = editor_client.get(reverse("admin:digest_issue_add"))
    form = response.context["adminform"].form
    assert form.initial["number"]
    assert "{count}" in form.initial["intro"]


def test_entries_of_an_issue_are_numbered_by_position() -> None:
    issue = IssueFactory.create()
    EntryFactory.create(issue=issue, position=2)
    EntryFactory.create(issue=issue, position=1, section=Entry.Section.OTHERS)
    assert [e.section for e in issue.entries.all()] == ["others", "main"]


def jpeg_with_gps() -> bytes:
    import io

    from PIL import Image

    image = Image.new("RGB", (640, 400), (10, 120, 200))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (31.0, 14.0, 0.0)}  # GPS position
    exif[0x010F] = "PhoneMaker"
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def test_uploaded_lead_image_is_re_encoded_without_metadata(editor_client) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    article = ArticleFactory.create()
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = change_form_data(editor_client.get(url))
    data["image"] = SimpleUploadedFile("holiday.jpg", jpeg_with_gps(), "image/jpeg")
    data["image_alt"] = "蓝色的示意图"
    response = editor_client.post(url, data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.image.name is not None
    assert "holiday" not in article.image.name
    assert (article.image_width, article.image_height) == (640, 400)
    assert article.image_thumbnail
    with Image.open(article.image.path) as stored:
        assert not stored.getexif()
    assert article.is_edited("image")


def test_uploading_something_that_is_not_an_image_is_refused(editor_client) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    article = ArticleFactory.create()
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = change_form_data(editor_client.get(url))
    data["image"] = SimpleUploadedFile("x.jpg", b"<svg onload=alert(1)>", "image/jpeg")
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["image"]
    article.refresh_from_db()
    assert not article.image


def test_refetch_action_queues_the_selected_articles(
    editor_client, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    import articles.services

    queued: list[int] = []
    monkeypatch.setattr(articles.services, "enqueue_fetch", queued.append)
    failed = ArticleFactory.create(fetch_state=Article.FetchState.FAILED, fetch_error="timeout")
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            reverse("admin:articles_article_changelist"),
            {"action": "refetch", "_selected_action": [failed.pk]},
            follow=True,
        )
    assert "Queued 1 article for fetching." in response.content.decode()
    failed.refresh_from_db()
    assert (failed.fetch_state, failed.fetch_error) == ("pending", "")
    assert queued == [failed.pk]
