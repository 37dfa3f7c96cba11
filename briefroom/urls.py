from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from briefroom import twofactor

urlpatterns: list[URLPattern | URLResolver] = [
    # Before the admin's own pages, whose catch-all would answer 404 for it.
    path("admin/two-factor/", admin.site.admin_view(twofactor.two_factor_view), name="two-factor"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),  # set_language, the admin's switcher
    path("api/", include("api.urls")),
    path("", include("ops.urls")),
    path("", include("digest.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler500 = "briefroom.errors.server_error"
