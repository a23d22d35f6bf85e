"""A minimal fediverse server on loopback, for the federation tests: one actor (alice) with
its own RSA key, an inbox and a shared inbox that record what they receive, and a switch
that makes the inboxes fail (HTTP 500)."""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from glaneur.federation.signatures import generate_key_pair, sign_request


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def activity(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.body)
        return data


class RemoteServer:
    def __init__(self, *, shared_inbox: bool = True, username: str = "alice") -> None:
        self.private_pem, self.public_pem = generate_key_pair()
        self.username = username
        self.shared = shared_inbox
        self.fail = False
        self.received: list[Received] = []
        self.actor_fetches = 0
        self.fetch_signatures: list[str] = []
        remote = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                if self.path != f"/users/{remote.username}":
                    self.send_error(404)
                    return
                remote.actor_fetches += 1
                remote.fetch_signatures.append(self.headers.get("Signature", ""))
                body = json.dumps(remote.actor_document()).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/activity+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                remote.received.append(
                    Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                )
                self.send_response(500 if remote.fail else 202)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.netloc = f"127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://{self.netloc}{path}"

    @property
    def actor_id(self) -> str:
        return self.url(f"/users/{self.username}")

    @property
    def key_id(self) -> str:
        return self.actor_id + "#main-key"

    def actor_document(self) -> dict[str, Any]:
        document: dict[str, Any] = {
            "@context": ["https://www.w3.org/ns/activitystreams"],
            "id": self.actor_id,
            "type": "Person",
            "preferredUsername": self.username,
            "inbox": self.url(f"/users/{self.username}/inbox"),
            "publicKey": {
                "id": self.key_id,
                "owner": self.actor_id,
                "publicKeyPem": self.public_pem,
            },
        }
        if self.shared:
            document["endpoints"] = {"sharedInbox": self.url("/inbox")}
        return document

    def signed(self, url: str, activity: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
        """Body and headers of a POST signed the cavage way (as Mastodon does)."""
        body = json.dumps(activity).encode()
        headers = sign_request("POST", url, body, key_id=self.key_id, private_key=self.private_pem)
        return body, headers

    def signed_rfc9421(self, url: str, activity: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
        """Body and headers of a POST signed with RFC 9421 (rsa-v1_5-sha256)."""
        body = json.dumps(activity).encode()
        digest = base64.b64encode(hashlib.sha256(body).digest()).decode()
        authority = url.split("/")[2]
        params = (
            '("@method" "@target-uri" "@authority" "content-digest")'
            f';created={int(time.time())};keyid="{self.key_id}";alg="rsa-v1_5-sha256"'
        )
        base = "\n".join(
            [
                '"@method": POST',
                f'"@target-uri": {url}',
                f'"@authority": {authority}',
                f'"content-digest": sha-256=:{digest}:',
                f'"@signature-params": {params}',
            ]
        )
        key = load_pem_private_key(self.private_pem.encode(), password=None)
        assert isinstance(key, rsa.RSAPrivateKey)
        signature = key.sign(base.encode(), padding.PKCS1v15(), hashes.SHA256())
        return body, {
            "Content-Digest": f"sha-256=:{digest}:",
            "Signature-Input": f"sig1={params}",
            "Signature": f"sig1=:{base64.b64encode(signature).decode()}:",
        }

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
