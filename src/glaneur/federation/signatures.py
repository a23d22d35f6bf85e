"""HTTP signatures, small and self-contained: what ActivityPub servers sign with and expect.

- draft-cavage-http-signatures-12 (what Mastodon and most servers send): we sign our POSTs
  and GETs with it (rsa-sha256 over ``(request-target) host date digest``) and verify it.
- RFC 9421 (HTTP Message Signatures): verified (``rsa-v1_5-sha256``, ``rsa-pss-sha512``,
  ``ed25519``), with RFC 9530's ``Content-Digest`` checked when it is covered.

A signature proves only who signed; the caller checks that the signer is the activity's
actor. Keys are PEM strings; ``keys`` callbacks return the PEM of a ``keyId`` (or raise
SignatureError), ``refresh=True`` asking for a fresh copy when a cached key failed.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa

# How far a signature's Date (or RFC 9421 ``created``) may be from our clock.
MAX_SKEW_SECONDS = 12 * 3600
KeyLookup = Callable[[str, bool], str]


class SignatureError(Exception):
    """Missing, malformed, stale or wrong signature: the request is refused (401)."""


def generate_key_pair() -> tuple[str, str]:
    """A new RSA 2048 key pair: (private PEM, public PEM)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return private, public_pem(private)


def public_pem(private: str) -> str:
    key = serialization.load_pem_private_key(private.encode(), password=None)
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


@functools.lru_cache(maxsize=1024)
def _private_key(pem: str) -> rsa.RSAPrivateKey:
    """The loaded key, kept: loading a PEM checks the RSA key (~50 ms), signing takes ~1 ms."""
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise TypeError("only RSA keys sign")
    return key


def digest_header(body: bytes) -> str:
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()


def sign_request(
    method: str, url: str, body: bytes | None, *, key_id: str, private_key: str
) -> dict[str, str]:
    """The headers that sign this request (draft-cavage-12, rsa-sha256): Date, Host,
    Digest (with a body) and Signature."""
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = {"Host": parts.netloc, "Date": format_datetime(datetime.now(UTC), usegmt=True)}
    names = ["(request-target)", "host", "date"]
    if body is not None:
        headers["Digest"] = digest_header(body)
        names.append("digest")
    lookup = {name.lower(): value for name, value in headers.items()}
    lookup["(request-target)"] = f"{method.lower()} {target}"
    text = "\n".join(f"{name}: {lookup[name]}" for name in names)
    signature = base64.b64encode(
        _private_key(private_key).sign(text.encode(), padding.PKCS1v15(), hashes.SHA256())
    )
    headers["Signature"] = (
        f'keyId="{key_id}",algorithm="rsa-sha256",headers="{" ".join(names)}",'
        f'signature="{signature.decode()}"'
    )
    return headers


def verify_request(
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes,
    keys: KeyLookup,
    *,
    now: datetime | None = None,
) -> str:
    """Check the request's signature (RFC 9421 when Signature-Input is there, else cavage);
    return the signer's keyId; raise SignatureError. ``url``: the full URL as received;
    ``headers``: names in any case."""
    lower = {name.lower(): value for name, value in headers.items()}
    now = now or datetime.now(UTC)
    if "signature-input" in lower:
        return _verify_rfc9421(method, url, lower, body, keys, now)
    if "signature" in lower:
        return _verify_cavage(method, url, lower, body, keys, now)
    raise SignatureError("unsigned request")


def _verify_cavage(
    method: str,
    url: str,
    headers: dict[str, str],
    body: bytes,
    keys: KeyLookup,
    now: datetime,
) -> str:
    params = dict(re.findall(r'(\w+)="([^"]*)"', headers["signature"]))
    key_id, signature = params.get("keyId", ""), params.get("signature", "")
    if not key_id or not signature:
        raise SignatureError("malformed Signature header")
    names = params.get("headers", "date").lower().split()
    if "date" not in names and "(created)" not in names:
        raise SignatureError("the signature covers no date")
    if method.upper() == "POST" and "digest" not in names:
        raise SignatureError("the signature does not cover the body's digest")
    if "date" in names:
        _check_fresh(_http_date(headers.get("date", "")), now)
    if "digest" in names:
        _check_digest(headers.get("digest", ""), body)
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    lines = []
    for name in names:
        if name == "(request-target)":
            value = f"{method.lower()} {target}"
        elif name in ("(created)", "(expires)"):
            value = params.get(name.strip("()"), "")
        elif name in headers:
            value = headers[name].strip()
        else:
            raise SignatureError(f"signed header {name!r} missing")
        lines.append(f"{name}: {value}")
    raw = _b64(signature)
    _check_with_keys(key_id, keys, "\n".join(lines).encode(), raw, params.get("algorithm", ""))
    return key_id


_MEMBER = re.compile(r"\s*([a-z*][a-z0-9_.*-]*)=(\(([^)]*)\)((?:;[^,;]+)*))")


def _verify_rfc9421(
    method: str,
    url: str,
    headers: dict[str, str],
    body: bytes,
    keys: KeyLookup,
    now: datetime,
) -> str:
    inputs = {m[1]: (m[2], m[3], m[4]) for m in _MEMBER.finditer(headers["signature-input"])}
    signatures = dict(
        re.findall(r"([a-z*][a-z0-9_.*-]*)=:([A-Za-z0-9+/=]*):", headers.get("signature", ""))
    )
    label = next((name for name in inputs if name in signatures), None)
    if label is None:
        raise SignatureError("no signature matches Signature-Input")
    raw_params, components_text, params_text = inputs[label]
    params = {
        name.strip(): value.strip().strip('"')
        for name, _, value in (p.partition("=") for p in params_text.split(";") if p)
    }
    components = re.findall(r'"([^"]+)"', components_text)
    key_id = params.get("keyid", "")
    if not key_id:
        raise SignatureError("no keyid")
    if not params.get("created", "").isdigit():
        raise SignatureError("the signature has no creation time")
    _check_fresh(datetime.fromtimestamp(int(params["created"]), UTC), now)
    if method.upper() == "POST" and "content-digest" not in components:
        raise SignatureError("the signature does not cover the body's digest")
    if "content-digest" in components:
        _check_content_digest(headers.get("content-digest", ""), body)
    parts = urlsplit(url)
    derived = {
        "@method": method.upper(),
        "@target-uri": url,
        "@authority": parts.netloc.lower(),
        "@scheme": parts.scheme.lower(),
        "@path": parts.path or "/",
        "@query": f"?{parts.query}",
        "@request-target": (parts.path or "/") + (f"?{parts.query}" if parts.query else ""),
    }
    lines = []
    for name in components:
        if name in derived:
            value = derived[name]
        elif name in headers:
            value = headers[name].strip()
        else:
            raise SignatureError(f"signed component {name!r} missing")
        lines.append(f'"{name}": {value}')
    lines.append(f'"@signature-params": {raw_params}')
    _check_with_keys(
        key_id, keys, "\n".join(lines).encode(), _b64(signatures[label]), params.get("alg", "")
    )
    return key_id


def _check_with_keys(
    key_id: str, keys: KeyLookup, message: bytes, signature: bytes, algorithm: str
) -> None:
    """Check with the cached key, then once with a fresh one (the remote may have rotated)."""
    if _valid(keys(key_id, False), message, signature, algorithm):
        return
    if not _valid(keys(key_id, True), message, signature, algorithm):
        raise SignatureError("bad signature")


def _valid(pem: str, message: bytes, signature: bytes, algorithm: str) -> bool:
    try:
        key = serialization.load_pem_public_key(pem.encode())
        if isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(signature, message)
        elif isinstance(key, rsa.RSAPublicKey):
            if algorithm == "rsa-pss-sha512":
                pss = padding.PSS(mgf=padding.MGF1(hashes.SHA512()), salt_length=64)
                key.verify(signature, message, pss, hashes.SHA512())
            else:
                key.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
        else:
            return False
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def _b64(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except ValueError:
        raise SignatureError("signature is not base64") from None


def _http_date(value: str) -> datetime:
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError):
        raise SignatureError("bad Date header") from None


def _check_fresh(when: datetime, now: datetime) -> None:
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    if abs((now - when).total_seconds()) > MAX_SKEW_SECONDS:
        raise SignatureError("signature too old or in the future")


def _check_digest(value: str, body: bytes) -> None:
    for item in value.split(","):
        algorithm, _, encoded = item.strip().partition("=")
        if algorithm.lower() == "sha-256":
            if encoded != base64.b64encode(hashlib.sha256(body).digest()).decode():
                raise SignatureError("the body does not match its Digest")
            return
    raise SignatureError("no SHA-256 Digest")


def _check_content_digest(value: str, body: bytes) -> None:
    found = dict(re.findall(r"([a-z0-9-]+)=:([A-Za-z0-9+/=]*):", value))
    for name, function in (("sha-512", hashlib.sha512), ("sha-256", hashlib.sha256)):
        if name in found:
            if found[name] != base64.b64encode(function(body).digest()).decode():
                raise SignatureError("the body does not match its Content-Digest")
            return
    raise SignatureError("no sha-256 or sha-512 Content-Digest")
