from django.contrib import admin
from django.urls import include, path

from glaneur.curation import urls as curation_urls
from glaneur.reading import urls as reading_urls

handler500 = "glaneur.reading.errors.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("glaneur.api.urls")),
    path("", include("glaneur.search.urls")),
    path("", include("glaneur.enrich.urls")),
    path("", include("glaneur.territories.urls")),
    path("", include("glaneur.transfer.urls")),
    path("", include("glaneur.syndication.urls")),
    path("", include("glaneur.analytics.urls")),
    path("", include("glaneur.audience.urls")),
    path("", include("glaneur.federation.urls")),
    path("", include("glaneur.sources.urls")),
    path("", include("glaneur.organisations.urls")),
    path("", include("glaneur.teams.urls")),
    # One namespace for a topic's pages: curators' (curation) then readers' (reading).
    path("", include((curation_urls.urlpatterns + reading_urls.urlpatterns, "curation"))),
]
