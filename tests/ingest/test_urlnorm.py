"""The one URL normaliser every entry path uses."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.provisional import urls

from glaneur.ingest.urlnorm import normalize_url


@pytest.mark.parametrize(
    ("given_url", "expected"),
    [
        ("HTTPS://Example.ORG:443/a?b=2&a=1#frag", "https://example.org/a?a=1&b=2"),
        ("http://example.org:80", "http://example.org/"),
        ("http://example.org:8080/x", "http://example.org:8080/x"),
        (
            "https://example.org/p?utm_source=x&utm_medium=y&fbclid=1&gclid=2&mc_cid=3&id=7",
            "https://example.org/p?id=7",
        ),
        ("https://example.org./p", "https://example.org/p"),
        ("https://[2001:DB8::1]:443/", "https://[2001:db8::1]/"),
        ("  https://example.org/p  ", "https://example.org/p"),
        ("not a url", "not a url"),
    ],
)
def test_normalisation_rules(given_url: str, expected: str) -> None:
    assert normalize_url(given_url) == expected


@settings(max_examples=300)
@given(urls())
def test_normalising_twice_changes_nothing(url: str) -> None:
    once = normalize_url(url)
    assert normalize_url(once) == once


@settings(max_examples=500)
@given(st.text())
def test_never_raises_and_is_idempotent_on_any_text(text: str) -> None:
    once = normalize_url(text)
    assert isinstance(once, str)
    assert normalize_url(once) == once


@given(urls(), st.sampled_from(["utm_source", "utm_campaign", "fbclid", "gclid"]))
def test_tracking_parameters_never_survive(url: str, name: str) -> None:
    separator = "&" if "?" in url.split("#")[0] else "?"
    base, _hash, fragment = url.partition("#")
    tracked = f"{base}{separator}{name}=x" + (f"#{fragment}" if _hash else "")
    assert f"{name}=" not in normalize_url(tracked)
