"""Which network addresses listenpost may connect to, decided after DNS resolution.

Feed URLs come from config files, OPML imports and redirects that strangers' servers send, so a
URL can point anywhere: at the machine itself, the office network, or a cloud metadata endpoint
that hands out credentials. This module refuses such targets. Every decision is made on the
addresses a host name *resolves to* (``getaddrinfo`` through the event loop), never on the
spelling of the host, so obfuscated forms (``2130706433``, ``0x7f.1``, ``127.1``), IPv4-mapped,
6to4 and NAT64 IPv6 forms and names that resolve to private addresses are all caught the same way.
(Only a host already spelt as its canonical address skips the lookup, which would return it as is.)

``check_url`` is the per-URL check the fetch client runs before every hop. ``GuardedBackend`` is
an httpcore network backend that resolves, checks and then connects to the checked address
itself, so the connection actually made is the one that was checked (no DNS-rebinding window
between the check and the connect).
"""

from __future__ import annotations

import asyncio
import ipaddress
import select
import socket
import ssl
from collections.abc import Iterable, Sequence

import httpcore
import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# Cloud instance-metadata endpoints (AWS, GCP, Azure, Oracle, DigitalOcean on 169.254.169.254;
# AWS over IPv6 on fd00:ec2::254). They hand out credentials, so no setting unlocks them except
# naming them in ``allowed_networks``.
METADATA_ADDRESSES: frozenset[IPAddress] = frozenset(
    {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")  # RFC 6052: the last 32 bits are an IPv4 address
# Kinds that ``allow_private`` does not unlock: never a feed server, only an attack.
ALWAYS_REFUSED = frozenset({"cloud metadata", "multicast", "unspecified", "reserved"})
_SCHEMES = {"http": 80, "https": 443}


class BlockedAddressError(Exception):
    """A host resolved to an address listenpost must not connect to."""

    def __init__(self, host: str, address: str, kind: str) -> None:
        name = host.strip("[]")
        where = f"{address} is" if name == address else f"{host} resolves to {address},"
        super().__init__(f"{where} a {kind} address")
        self.host = host
        self.address = address
        self.kind = kind


class BadUrlError(ValueError):
    """A URL that is not an absolute http(s) URL with a host."""


class ResolutionError(OSError):
    """A host name that did not resolve."""


def embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, 6to4 or NAT64), if any."""
    if isinstance(ip, ipaddress.IPv4Address):
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def address_kind(ip: IPAddress) -> str | None:
    """What kind of non-public address ``ip`` is ("loopback", "private", ...), None if public."""
    ip = embedded_ipv4(ip) or ip
    if ip in METADATA_ADDRESSES:
        return "cloud metadata"
    checks = (
        ("unspecified", ip.is_unspecified),
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("reserved", ip.is_reserved),  # before "private": Python counts 240/4 as both
        ("private", ip.is_private),
    )
    for kind, hit in checks:
        if hit:
            return kind
    # Anything else outside the global unicast space, e.g. 100.64.0.0/10 carrier-grade NAT.
    return None if ip.is_global else "private"


def is_public_address(ip: IPAddress) -> bool:
    """True when ``ip`` (or the IPv4 address it embeds) is a public unicast address."""
    return address_kind(ip) is None


def parse_networks(cidrs: Iterable[str]) -> tuple[IPNetwork, ...]:
    """CIDR strings as networks; a bad one raises ValueError naming it."""
    networks: list[IPNetwork] = []
    for cidr in cidrs:
        try:
            networks.append(ipaddress.ip_network(cidr, strict=False))
        except ValueError:
            raise ValueError(f"{cidr!r} is not an IP network such as '127.0.0.1/32'") from None
    return tuple(networks)


def refusal(
    ip: IPAddress, *, allow_private: bool, allowed_networks: Sequence[IPNetwork] = ()
) -> str | None:
    """Why ``ip`` is refused under this policy (its kind), or None when it may be used."""
    candidates = [ip, embedded_ipv4(ip) or ip]
    if any(addr in net for net in allowed_networks for addr in candidates):
        return None
    kind = address_kind(ip)
    if kind is None or (allow_private and kind not in ALWAYS_REFUSED):
        return None
    return kind


async def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address ``host`` resolves to, via the event loop's getaddrinfo.

    A host already written as an IP address in its canonical form (``127.0.0.1``, ``::1``) is
    that address: asking the resolver (a thread hop per request) would return it unchanged.
    Every other spelling (``2130706433``, ``0x7f.1``, ``127.1``) still goes to getaddrinfo."""
    literal = _literal(host)
    if literal is not None:
        return [literal]
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise ResolutionError(f"could not resolve {host}") from exc
    addresses: list[IPAddress] = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]))
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise ResolutionError(f"could not resolve {host}")
    return addresses


def _literal(host: str) -> IPAddress | None:
    """``host`` as an address when it is one, spelt exactly as Python writes that address."""
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None
    return address if str(address) == host.strip("[]") else None


async def check_host(
    host: str,
    port: int,
    *,
    allow_private: bool,
    allowed_networks: Sequence[IPNetwork] = (),
) -> list[IPAddress]:
    """Resolve ``host`` and return its addresses; refuse it if ANY address is refused.

    One bad address refuses the host: a name with both a public and a loopback record would
    otherwise let the attacker pick which one a connection uses.
    """
    addresses = await resolve(host, port)
    for address in addresses:
        kind = refusal(address, allow_private=allow_private, allowed_networks=allowed_networks)
        if kind is not None:
            raise BlockedAddressError(host, str(address), kind)
    return addresses


def parse_url(url: str) -> httpx.URL:
    """``url`` parsed by httpx (the parser the client connects with); BadUrlError if it fails."""
    try:
        return httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise BadUrlError(f"not a valid URL ({exc.__class__.__name__})") from None


def split_url(url: str | httpx.URL) -> tuple[str, int]:
    """The (ASCII host, port) an absolute http(s) URL connects to; BadUrlError otherwise."""
    parsed = url if isinstance(url, httpx.URL) else parse_url(url)
    if parsed.scheme not in _SCHEMES:
        raise BadUrlError(f"the scheme {parsed.scheme or '(none)'!r} is not http or https")
    host = parsed.raw_host.decode("ascii")
    if not host:
        raise BadUrlError("the URL has no host")
    return host, parsed.port or _SCHEMES[parsed.scheme]


async def check_url(
    url: str | httpx.URL, *, allow_private: bool, allowed_networks: Sequence[IPNetwork] = ()
) -> None:
    """Refuse ``url`` unless it is http(s) and its host resolves only to allowed addresses.

    Raises BadUrlError, ResolutionError or BlockedAddressError. The URL is parsed with httpx's
    parser, the same one the client connects with, so the check and the connection cannot
    disagree about which host is meant.
    """
    host, port = split_url(url)
    await check_host(host, port, allow_private=allow_private, allowed_networks=allowed_networks)


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """An httpcore network backend that connects only to addresses the policy allows.

    It resolves the host itself, checks every address, then connects to a checked address, so
    the address check covers the connection actually made, not just an earlier lookup. TLS still
    verifies the certificate against the host name: httpcore passes the name, not the address,
    to ``start_tls``.
    """

    def __init__(
        self,
        *,
        allow_private: bool,
        allowed_networks: Sequence[IPNetwork] = (),
        inner: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        self._allow_private = allow_private
        self._allowed = tuple(allowed_networks)
        self._inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            addresses = await check_host(
                host, port, allow_private=self._allow_private, allowed_networks=self._allowed
            )
        except ResolutionError as exc:
            raise httpcore.ConnectError(str(exc)) from exc
        return await self._connect_first(addresses, port, timeout, local_address, socket_options)

    async def _connect_first(
        self,
        addresses: Sequence[IPAddress],
        port: int,
        timeout: float | None,
        local_address: str | None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None,
    ) -> httpcore.AsyncNetworkStream:
        """Connect to the first checked address that answers, in resolver order."""
        options = list(socket_options or ())
        last: Exception | None = None
        for address in addresses:
            try:
                stream = await self._inner.connect_tcp(
                    str(address), port, timeout, local_address, options
                )
                return _FastInfoStream(stream)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        raise last or httpcore.ConnectError("the host has no address to connect to")

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("listenpost does not connect to Unix sockets")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class _FastInfoStream(httpcore.AsyncNetworkStream):
    """A connection whose socket is looked up once, not on every question about it.

    httpcore asks every pooled connection "is_readable" (has the server hung up?) each time
    it assigns a request; anyio answers by building a table of attributes per call, which
    was a tenth of a poll's CPU time on a thousand unchanged feeds. Everything else is the
    wrapped stream's.
    """

    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self._inner = inner
        self._socket: socket.socket | None = inner.get_extra_info("socket")

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        tls = await self._inner.start_tls(ssl_context, server_hostname, timeout)
        return _FastInfoStream(tls)

    def get_extra_info(self, info: str) -> object:
        if info == "socket":
            return self._socket
        if info == "is_readable":
            return _readable(self._socket)
        return self._inner.get_extra_info(info)


def _readable(sock: socket.socket | None) -> bool:
    """True when a read would not block: data, or the server's end-of-stream. A socket that
    is gone counts as readable, so the pool drops its connection (as httpcore does)."""
    fd = -1 if sock is None else sock.fileno()
    if fd < 0:
        return True
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return bool(poller.poll(0))
