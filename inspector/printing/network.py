"""Raw ZPL to a network label printer on TCP port 9100."""

from __future__ import annotations

import socket

from inspector.errors import BadInput, InspectorError

RAW_PORT = 9100


class PrinterUnavailable(InspectorError):
    """The label printer cannot be reached or refused the job."""


def parse_address(text: str) -> tuple[str, int]:
    """'HOST' or 'HOST:PORT' (an IPv6 address without a port stays whole) -> (host, port)."""
    text = text.strip()
    if not text:
        raise BadInput("No label printer address is set (HOST or HOST:PORT).")
    host, _, port = text.rpartition(":") if text.count(":") == 1 else (text, "", "")
    if not port:
        return text, RAW_PORT
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise BadInput(f"The printer port {port!r} is not a port number.")
    return host, int(port)


def send_zpl(zpl: str, host: str, port: int = RAW_PORT, timeout: float = 5.0) -> int:
    """Send the label; returns bytes sent. A printer that cannot be reached is one sentence."""
    data = zpl.encode("utf-8")
    try:
        with socket.create_connection((host, port), timeout=timeout) as connection:
            connection.sendall(data)
            connection.shutdown(socket.SHUT_WR)
    except OSError as exc:
        raise PrinterUnavailable(f"The printer at {host}:{port} cannot be reached ({exc}).") from exc
    return len(data)
