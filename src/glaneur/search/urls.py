from django.urls import URLPattern, path
from django.views.generic import TemplateView

app_name = "search"
# Placeholder until the search views land.
urlpatterns: list[URLPattern] = [
    path("search/", TemplateView.as_view(template_name="search/search.html"), name="search"),
]
