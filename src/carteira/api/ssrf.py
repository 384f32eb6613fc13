"""Webhook targets may only be public http(s) addresses: checked when a subscription is
made and again, by resolving the name anew, right before every delivery."""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings


class UnsafeTarget(ValueError):
    pass


def _allow_private() -> bool:
    return bool(getattr(settings, "CARTEIRA_WEBHOOK_ALLOW_PRIVATE", False))


def check_address(address: str) -> None:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    # Never, not even for tests: cloud metadata (link-local), multicast, 0.0.0.0, reserved.
    if ip.is_link_local or ip.is_multicast or ip.is_unspecified or ip.is_reserved:
        raise UnsafeTarget(f"address {ip} is not allowed")
    if (ip.is_loopback or ip.is_private or not ip.is_global) and not _allow_private():
        raise UnsafeTarget(f"address {ip} is private or loopback")


def resolve_target(url: str) -> tuple[str, str, int, list[str]]:
    """(scheme, host, port, addresses) of ``url`` if every address it resolves to is
    allowed; raises UnsafeTarget otherwise."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise UnsafeTarget(f"invalid URL: {error}") from None
    if parts.scheme not in {"http", "https"}:
        raise UnsafeTarget("only http and https URLs are allowed")
    if not parts.hostname or parts.username or parts.password:
        raise UnsafeTarget("the URL needs a host and no credentials")
    port = port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise UnsafeTarget(f"host does not resolve: {error}") from None
    addresses = sorted({info[4][0] for info in infos})
    if not addresses:
        raise UnsafeTarget("host does not resolve")
    for address in addresses:
        check_address(address)
    return parts.scheme, parts.hostname, port, addresses
