"""The URLconf of a verified custom domain (set by the host routing middleware): the
organisation's page at ``/``, then every path of the site (the middleware has already
refused other organisations' topics, the administration and the API)."""

from django.urls import path

from glaneur.urls import urlpatterns as site_urlpatterns

from . import views

urlpatterns = [path("", views.domain_home, name="domain-home"), *site_urlpatterns]
