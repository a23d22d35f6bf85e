from django.urls import URLPattern

# The REST API (django-ninja) mounts here: /api/, /api/openapi.json, /api/docs.
urlpatterns: list[URLPattern] = []
