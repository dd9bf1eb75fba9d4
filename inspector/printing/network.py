"""Raw ZPL to a network label printer on TCP port 9100."""

from __future__ import annotations

import socket

from inspector.errors import InspectorError

RAW_PORT = 9100


class PrinterUnavailable(InspectorError):
    """The label printer cannot be reached or refused the job."""


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
