"""Address checks after DNS resolution: literal, obfuscated and embedded private targets."""

from __future__ import annotations

import ipaddress
import re

import httpcore
import pytest

from core.net import guard as netguard
from core.net.guard import BadUrlError, BlockedAddressError, ResolutionError
from tests.loopback import LoopbackServer, Reply

NOT_PUBLIC = {
    "127.0.0.1": "loopback",
    "127.255.255.254": "loopback",
    "::1": "loopback",
    "10.1.2.3": "private",
    "172.16.0.1": "private",
    "192.168.1.1": "private",
    "100.64.0.1": "private",  # carrier-grade NAT
    "fc00::1": "private",
    "169.254.1.1": "link-local",
    "fe80::1": "link-local",
    "169.254.169.254": "cloud metadata",
    "fd00:ec2::254": "cloud metadata",
    "0.0.0.0": "unspecified",
    "::": "unspecified",
    "224.0.0.1": "multicast",
    "ff02::1": "multicast",
    "240.0.0.1": "reserved",
    "::ffff:127.0.0.1": "loopback",  # IPv4-mapped
    "::ffff:169.254.169.254": "cloud metadata",
    "2002:7f00:1::": "loopback",  # 6to4 wrapping 127.0.0.1
    "64:ff9b::a00:1": "private",  # NAT64 wrapping 10.0.0.1
}


@pytest.mark.parametrize(("address", "kind"), sorted(NOT_PUBLIC.items()))
def test_non_public_addresses_are_named(address: str, kind: str) -> None:
    """It should name the kind of every non-public address, including IPv6-embedded IPv4."""
    ip = ipaddress.ip_address(address)
    assert not netguard.is_public_address(ip)
    assert netguard.address_kind(ip) == kind


@pytest.mark.parametrize("address", ["8.8.8.8", "93.184.216.34", "2606:4700::1111"])
def test_public_addresses_pass(address: str) -> None:
    """It should accept public unicast addresses, IPv4 and IPv6."""
    assert netguard.is_public_address(ipaddress.ip_address(address))


OBFUSCATED_LOOPBACK = [
    "http://2130706433/",  # 127.0.0.1 as one decimal number
    "http://0x7f.1/",  # hex first octet, short form
    "http://127.1/",  # short dotted form
    "http://0x7f000001/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::1]:8080/",
    "http://localhost/",
    "http://LocalHost/",
    "http://0/",  # 0.0.0.0, which Linux routes to the local host
    "http://[::]/",
    "http://169.254.169.254/latest/meta-data/",
    "http://0xa9fea9fe/",  # 169.254.169.254 in hex
    "https://2852039166/",  # 169.254.169.254 in decimal
]


@pytest.mark.parametrize("url", OBFUSCATED_LOOPBACK)
async def test_obfuscated_private_hosts_are_refused_after_resolution(url: str) -> None:
    """It should refuse loopback and metadata hosts however they are spelled."""
    with pytest.raises(BlockedAddressError) as caught:
        await netguard.check_url(url, allow_private=False)
    assert caught.value.address in str(caught.value)
    assert not netguard.is_public_address(ipaddress.ip_address(caught.value.address))


async def test_blocked_message_names_host_and_address() -> None:
    """It should say which host resolved to which address, and what kind it is."""
    with pytest.raises(BlockedAddressError) as caught:
        await netguard.check_url("http://2130706433:9/feed", allow_private=False)
    assert str(caught.value) == "2130706433 resolves to 127.0.0.1, a loopback address"


async def test_allow_private_unlocks_loopback_but_not_metadata() -> None:
    """It should allow loopback when asked, yet still refuse metadata, unspecified, multicast."""
    await netguard.check_url("http://127.0.0.1:9/", allow_private=True)
    await netguard.check_url("http://10.0.0.1/", allow_private=True)
    for url in ("http://169.254.169.254/", "http://0.0.0.0/", "http://224.0.0.1/"):
        with pytest.raises(BlockedAddressError):
            await netguard.check_url(url, allow_private=True)


async def test_allowed_networks_allow_exactly_those_addresses() -> None:
    """It should allow only the listed networks, by whatever spelling reaches them."""
    allowed = netguard.parse_networks(["127.0.0.1/32"])
    await netguard.check_url("http://127.0.0.1:1/", allow_private=False, allowed_networks=allowed)
    await netguard.check_url("http://2130706433/", allow_private=False, allowed_networks=allowed)
    for url in ("http://127.0.0.2/", "http://127.2/", "http://[::1]/", "http://0x7f.0.0.3/"):
        with pytest.raises(BlockedAddressError):
            await netguard.check_url(url, allow_private=False, allowed_networks=allowed)


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://example.com/feed",
        "gopher://127.0.0.1:25/",
        "javascript:alert(1)",
        "/relative/path",
        "",
        "http:///nohost",
    ],
)
async def test_non_http_urls_are_bad(url: str) -> None:
    """It should refuse anything but an absolute http(s) URL with a host."""
    with pytest.raises(BadUrlError):
        await netguard.check_url(url, allow_private=True)


async def test_unresolvable_host_is_a_resolution_error() -> None:
    """It should report a name that does not resolve as a resolution failure."""
    with pytest.raises(ResolutionError) as caught:
        await netguard.check_url("http://no-such-host.invalid/", allow_private=False)
    assert "no-such-host.invalid" in str(caught.value)


def test_bad_cidr_is_named() -> None:
    """It should name the allowed-network entry that is not a network."""
    with pytest.raises(ValueError, match=re.escape("'127.0.0.300/32'")):
        netguard.parse_networks(["127.0.0.1/32", "127.0.0.300/32"])


async def test_backend_refuses_blocked_address_at_connect(loopback: LoopbackServer) -> None:
    """It should refuse at connect time, with no earlier check, so rebinding cannot slip past."""
    loopback.route("/", Reply(200, b"ok"))
    backend = netguard.GuardedBackend(
        allow_private=False, allowed_networks=netguard.parse_networks(["127.0.0.1/32"])
    )
    with pytest.raises(BlockedAddressError):
        await backend.connect_tcp("127.0.0.2", loopback.port)
    with pytest.raises(BlockedAddressError):
        await backend.connect_tcp("::1", loopback.port)
    stream = await backend.connect_tcp("127.0.0.1", loopback.port, timeout=5)
    await stream.write(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", timeout=5)
    assert (await stream.read(4096, timeout=5)).startswith(b"HTTP/1.")
    await stream.aclose()
    assert len(loopback.requests) == 1


async def test_backend_refuses_unix_sockets() -> None:
    """It should never connect to a Unix socket."""
    backend = netguard.GuardedBackend(allow_private=True)
    with pytest.raises(httpcore.ConnectError):
        await backend.connect_unix_socket("/var/run/docker.sock")


async def test_canonical_addresses_are_their_own_resolution() -> None:
    """It should take a host spelt as its address as is, and still resolve every other spelling."""
    assert await netguard.resolve("127.0.0.1", 80) == [ipaddress.ip_address("127.0.0.1")]
    assert await netguard.resolve("::1", 80) == [ipaddress.ip_address("::1")]
    assert await netguard.resolve("127.1", 80) == [ipaddress.ip_address("127.0.0.1")]


async def test_pooled_connections_notice_when_the_server_hangs_up(
    loopback: LoopbackServer,
) -> None:
    """It should report an idle connection as readable only once the server has closed it."""
    backend = netguard.GuardedBackend(allow_private=True)
    stream = await backend.connect_tcp("127.0.0.1", loopback.port, timeout=5)
    assert stream.get_extra_info("is_readable") is False
    assert stream.get_extra_info("socket") is not None
    await stream.write(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", timeout=5)
    while await stream.read(4096, timeout=5):
        pass
    assert stream.get_extra_info("is_readable") is True
    await stream.aclose()
