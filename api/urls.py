from django.urls import include, path, re_path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from api.views import articles, catalog, entries, feeds, issues, revisions, root, webhooks


class AnyIdConverter:
    """Takes any path segment, so views can answer a malformed id with a 400 and a reason."""

    regex = "[^/]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: object) -> str:
        return str(value)


register_converter(AnyIdConverter, "anyid")

app_name = "api"

v1 = [
    path("", root.RootApi.as_view(), name="root"),
    path("digests/", catalog.DigestListApi.as_view(), name="digest-list"),
    path("digests/<slug:slug>/", catalog.DigestDetailApi.as_view(), name="digest-detail"),
    path("digests/<slug:slug>/issues/", catalog.DigestIssueListApi.as_view(), name="digest-issues"),
    path(
        "digests/<slug:slug>/issues/<anyid:number>/",
        issues.DigestIssueDetailApi.as_view(),
        name="digest-issue-detail",
    ),
    path("issues/", issues.IssueListApi.as_view(), name="issue-list"),
    path("issues/<anyid:pk>/", issues.IssueDetailApi.as_view(), name="issue-detail"),
    path("issues/<anyid:pk>/publish/", issues.IssuePublishApi.as_view(), name="issue-publish"),
    path(
        "issues/<anyid:pk>/unpublish/", issues.IssueUnpublishApi.as_view(), name="issue-unpublish"
    ),
    path("issues/<anyid:pk>/export/", issues.IssueExportApi.as_view(), name="issue-export"),
    path("issues/<anyid:pk>/revisions/", revisions.RevisionListApi.as_view(), name="revision-list"),
    path(
        "issues/<anyid:pk>/revisions/<anyid:number>/",
        revisions.RevisionDetailApi.as_view(),
        name="revision-detail",
    ),
    path(
        "issues/<anyid:pk>/revisions/<anyid:number>/diff/",
        revisions.RevisionDiffApi.as_view(),
        name="revision-diff",
    ),
    path(
        "issues/<anyid:pk>/revisions/<anyid:number>/restore/",
        revisions.RevisionRestoreApi.as_view(),
        name="revision-restore",
    ),
    path("issues/<anyid:pk>/entries/", entries.EntryListApi.as_view(), name="entry-list"),
    path(
        "issues/<anyid:pk>/entries/reorder/",
        entries.EntryReorderApi.as_view(),
        name="entry-reorder",
    ),
    path(
        "issues/<anyid:pk>/entries/<anyid:entry_id>/",
        entries.EntryDetailApi.as_view(),
        name="entry-detail",
    ),
    path(
        "issues/<anyid:pk>/entries/<anyid:entry_id>/move/",
        entries.EntryMoveApi.as_view(),
        name="entry-move",
    ),
    path("articles/", articles.ArticleListApi.as_view(), name="article-list"),
    path("articles/bulk/", articles.ArticleBulkCreateApi.as_view(), name="article-bulk"),
    path("articles/<anyid:pk>/", articles.ArticleDetailApi.as_view(), name="article-detail"),
    path(
        "articles/<anyid:pk>/refetch/",
        articles.ArticleRefetchApi.as_view(),
        name="article-refetch",
    ),
    path("sources/", catalog.SourceListApi.as_view(), name="source-list"),
    path("sources/<anyid:pk>/", catalog.SourceDetailApi.as_view(), name="source-detail"),
    path("sources/<anyid:pk>/feeds/", feeds.SourceFeedListApi.as_view(), name="source-feeds"),
    path("feeds/<anyid:pk>/", feeds.FeedDetailApi.as_view(), name="feed-detail"),
    path("digests/<slug:slug>/inbox/", feeds.DigestInboxApi.as_view(), name="digest-inbox"),
    path("inbox/triage/", feeds.InboxBulkTriageApi.as_view(), name="inbox-triage"),
    path("inbox/<anyid:pk>/", feeds.InboxItemApi.as_view(), name="inbox-item"),
    path("tags/", catalog.TagListApi.as_view(), name="tag-list"),
    path("tags/<anyid:pk>/", catalog.TagDetailApi.as_view(), name="tag-detail"),
    path("webhooks/", webhooks.WebhookListApi.as_view(), name="webhook-list"),
    path("webhooks/<anyid:pk>/", webhooks.WebhookDetailApi.as_view(), name="webhook-detail"),
    path(
        "webhooks/<anyid:pk>/deliveries/",
        webhooks.WebhookDeliveryListApi.as_view(),
        name="webhook-deliveries",
    ),
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    # Any path at all, newlines included, gets the API's JSON 404.
    re_path(r"^[\s\S]*$", root.NotFoundApi.as_view(), name="not-found"),
]
