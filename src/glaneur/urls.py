from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("glaneur.api.urls")),
    path("", include("glaneur.search.urls")),
    path("", include("glaneur.transfer.urls")),
    path("", include("glaneur.syndication.urls")),
    path("", include("glaneur.analytics.urls")),
    path("", include("glaneur.audience.urls")),
    path("", include("glaneur.curation.urls")),
]
