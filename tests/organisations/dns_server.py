"""A small DNS server on loopback (UDP), answering TXT queries from a dict: the real
protocol, through dnspython's message API, so the resolver under test is the real one."""

from __future__ import annotations

import socket
import threading

import dns.message
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset


class TxtServer:
    def __init__(self) -> None:
        self.records: dict[str, list[str]] = {}  # name (no final dot) -> TXT strings
        self.queries: list[str] = []
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                data, peer = self.sock.recvfrom(4096)
            except TimeoutError:
                continue
            except OSError:
                return
            query = dns.message.from_wire(data)
            response = dns.message.make_response(query)
            question = query.question[0]
            name = question.name.to_text().rstrip(".").lower()
            self.queries.append(name)
            if name not in self.records:
                response.set_rcode(dns.rcode.NXDOMAIN)
            elif question.rdtype == dns.rdatatype.TXT and self.records[name]:
                response.answer.append(
                    dns.rrset.from_text_list(
                        question.name,
                        60,
                        dns.rdataclass.IN,
                        dns.rdatatype.TXT,
                        [f'"{text}"' for text in self.records[name]],
                    )
                )
            self.sock.sendto(response.to_wire(), peer)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()
