"""The client's address, as the sign-in lockout and the rate limits count it.

Behind a reverse proxy every connection comes from the proxy: the client is in its
X-Forwarded-For. That header is believed only when the connection itself comes from one of
TRUSTED_PROXIES (addresses or networks); anyone else can write anything in it. Read from the
right (each proxy appends the address it was called from), the first address that is not a
trusted proxy is the client.
"""

import ipaddress
from functools import cache

from django.conf import settings
from django.http import HttpRequest


@cache
def _trusted(networks: tuple[str, ...]):
    return tuple(ipaddress.ip_network(network, strict=False) for network in networks)


def _address(text: str):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _is_trusted(address) -> bool:
    return any(address in network for network in _trusted(tuple(settings.TRUSTED_PROXIES)))


def client_address(request: HttpRequest) -> str | None:
    """The client's address: the connection's own, or the one the trusted proxies name; None
    when the connection has none (a request made in a test or a command)."""
    peer = _address(request.META.get("REMOTE_ADDR", ""))
    if peer is None:
        return None
    if not _is_trusted(peer):
        return str(peer)
    client = peer
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed(forwarded.split(",")):
        address = _address(hop)
        if address is None:
            # A hop that is not an address: nothing to its left can be believed.
            break
        client = address
        if not _is_trusted(address):
            break
    return str(client)
