"""The public archive's URLs. Fixed paths come before `<digest>/`, which matches any slug:
a digest cannot be called archive, search, tags, sources or feeds."""

from django.contrib.sitemaps.views import sitemap
from django.urls import path

from digest import feeds, views
from digest.sitemaps import SITEMAPS

app_name = "archive"

urlpatterns = [
    path("", views.home, name="home"),
    path("archive/", views.archive_index, name="archive"),
    path("archive/<int:year>/", views.archive_year, name="year"),
    path("search/", views.search, name="search"),
    path("tags/<str:slug>/", views.tag_detail, name="tag"),
    path("sources/<str:slug>/", views.source_detail, name="source"),
    path("feeds/rss/", feeds.feed_view, {"kind": "rss"}, name="feed-rss"),
    path("feeds/atom/", feeds.feed_view, {"kind": "atom"}, name="feed-atom"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("<slug:digest>/", views.digest_detail, name="digest"),
    path("<slug:digest>/rss/", feeds.feed_view, {"kind": "rss"}, name="digest-feed-rss"),
    path("<slug:digest>/atom/", feeds.feed_view, {"kind": "atom"}, name="digest-feed-atom"),
    path("<slug:digest>/<int:number>/", views.issue_detail, name="issue"),
]
