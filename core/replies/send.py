"""Posting a reply where the platform allows it, through the one hardened client.

- Mastodon: the mention's status is looked up on our instance (``/api/v2/search`` with
  ``resolve=true``, since a status from another server has a local id only there), then
  ``POST /api/v1/statuses`` with ``in_reply_to_id`` and an ``Idempotency-Key`` that belongs to
  the draft, so a retry after a timeout returns the first post instead of making a second.
- Bluesky: a session from the app password (``createSession``), the parent post's strong
  reference (uri + cid) and its thread root from ``getPosts``, then
  ``com.atproto.repo.createRecord`` of an ``app.bsky.feed.post`` with ``reply.root`` and
  ``reply.parent``.

Every outcome is a value: ``Posted``, ``Failed`` (nothing was posted: the reason in words, the
draft stays) or ``Unknown`` (the request left but no answer came back, so it may have been
posted: a person must look before anything is sent again). Everywhere else there is no API
to post with, and ``can_post`` says so: the editor copies the text and asks for confirmation.
"""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode

from core.model import SourceConfig
from core.net.credentials import CredentialError, resolve_token
from core.net.fetch import Fetcher, FetchError, Response
from core.net.urls import display_url
from core.replies.drafts import ReplyTarget
from core.sources import jsonutil as J
from core.sources.base import SourceError
from core.sources.bluesky import DEFAULT_SERVICE, is_at_uri, is_did, post_web_url
from core.sources.mastodon import instance_origin

POSTING_KINDS = ("mastodon", "bluesky")  # source kinds whose API we can post replies through
_LOCAL_ID_DIGITS = 30  # Mastodon ids are decimal snowflakes (see core.sources.mastodon)


@dataclass(frozen=True, slots=True)
class Posted:
    """The reply is online: its id on the platform and where to read it."""

    post_id: str
    post_url: str | None


@dataclass(frozen=True, slots=True)
class Failed:
    """Nothing was posted; ``reason`` says why and what to do."""

    reason: str


@dataclass(frozen=True, slots=True)
class Unknown:
    """The request was sent but its answer never came: it may be online. Never resend blindly."""

    reason: str


Outcome = Posted | Failed | Unknown


class _Stop(Exception):
    """A step failed before anything was posted; the message is the reason."""


def can_post(target: ReplyTarget, source: SourceConfig | None) -> bool:
    """True when this mention can be answered through its platform's API with a token."""
    return (source is not None and source.kind in POSTING_KINDS
            and target.platform == source.kind and bool(source.token or source.token_env))


async def post_reply(target: ReplyTarget, text: str, idempotency_key: str, *,
                     source: SourceConfig, fetcher: Fetcher, now: int) -> Outcome:
    """Post ``text`` as a reply to ``target`` through ``source``'s account."""
    try:
        secret = source.token or resolve_token(source)
        if not secret:
            return Failed(f"no token: set {source.token_env} to an access token of the account "
                          f"that should reply (source {source.name!r})")
        if source.kind == "mastodon":
            return await _mastodon(target, text, idempotency_key, source, secret, fetcher)
        return await _bluesky(target, text, source, secret, fetcher, now)
    except (_Stop, SourceError, CredentialError) as error:
        return Failed(str(error))


# --- Mastodon -----------------------------------------------------------------------------------


async def _mastodon(target: ReplyTarget, text: str, key: str, source: SourceConfig, token: str,
                    fetcher: Fetcher) -> Outcome:
    origin = instance_origin(source.url)
    auth = {"Authorization": f"Bearer {token}"}
    status_id = await _local_status_id(origin, target, auth, fetcher)
    url = f"{origin}/api/v1/statuses"
    # The key is no secret, but post_json takes extra headers only as secret ones; being
    # scrubbed from error messages costs nothing.
    response = await _send(fetcher, url, {"status": text, "in_reply_to_id": status_id},
                           {**auth, "Idempotency-Key": key})
    if isinstance(response, Unknown):
        return response
    if response.status != 200:
        return Failed(_refusal("Mastodon", response, source))
    document = _json_or_none(response.body)
    post_id = J.ident(document, "id")
    if not post_id:
        return Unknown(f"{display_url(url)} answered 200 without the new post's id: look at the "
                       "thread before sending again")
    return Posted(post_id, J.string(document, "url"))


async def _local_status_id(origin: str, target: ReplyTarget, auth: dict[str, str],
                           fetcher: Fetcher) -> str:
    """The mention's status id on our instance (a local id is used as it is)."""
    known = target.platform_id or ""
    if known.isdigit() and len(known) <= _LOCAL_ID_DIGITS:
        return known
    if not known:
        raise _Stop("this mention has no Mastodon status to reply to")
    query = urlencode({"q": known, "type": "statuses", "resolve": "true", "limit": "1"})
    response = await _get(fetcher, f"{origin}/api/v2/search?{query}", auth)
    if response.status != 200:
        raise _Stop(_refusal("Mastodon", response, None))
    found = J.items(_json_or_none(response.body), "statuses")
    status_id = J.ident(found[0], "id") if found else None
    if not status_id:
        raise _Stop(f"{origin} could not find the post being answered ({known}); it may have "
                    "been deleted")
    return status_id


# --- Bluesky ------------------------------------------------------------------------------------


async def _bluesky(target: ReplyTarget, text: str, source: SourceConfig, password: str,
                   fetcher: Fetcher, now: int) -> Outcome:
    service = _service(source.url)
    jwt, did, handle = await _session(service, source, password, fetcher)
    auth = {"Authorization": f"Bearer {jwt}"}
    parent, root = await _strong_refs(service, target, auth, fetcher)
    record = {
        "$type": "app.bsky.feed.post",
        "text": text,
        "createdAt": datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "reply": {"root": root, "parent": parent},
    }
    url = f"{service}/xrpc/com.atproto.repo.createRecord"
    response = await _send(fetcher, url, {"repo": did, "collection": "app.bsky.feed.post",
                                          "record": record}, auth)
    if isinstance(response, Unknown):
        return response
    if response.status != 200:
        return Failed(_refusal("Bluesky", response, source))
    uri = J.string(_json_or_none(response.body), "uri") or ""
    if not is_at_uri(uri):
        return Unknown(f"{display_url(url)} answered without the new post's address: look at "
                       "the thread before sending again")
    return Posted(uri, post_web_url(handle or did, uri))


async def _session(service: str, source: SourceConfig, password: str,
                   fetcher: Fetcher) -> tuple[str, str, str | None]:
    identifier = source.options.get("identifier") or source.options.get("handle")
    if not isinstance(identifier, str) or not identifier.strip():
        raise _Stop(f"source {source.name!r} needs the identifier option (the account's handle) "
                    "to reply")
    url = f"{service}/xrpc/com.atproto.server.createSession"
    response = await _request(fetcher.post_json(
        url, {"identifier": identifier.strip().lstrip("@"), "password": password}))
    if response.status != 200:
        raise _Stop(_refusal("Bluesky", response, source))
    document = _json_or_none(response.body)
    jwt, did = J.string(document, "accessJwt") or "", J.string(document, "did") or ""
    if not jwt or not jwt.isascii() or not jwt.isprintable() or not is_did(did):
        raise _Stop(f"{display_url(url)} answered without a usable session")
    return jwt, did, J.string(document, "handle")


async def _strong_refs(service: str, target: ReplyTarget, auth: dict[str, str],
                       fetcher: Fetcher) -> tuple[dict[str, str], dict[str, str]]:
    """(parent, root) strong references: the mention itself, and its thread's first post."""
    uri = target.platform_id or ""
    if not is_at_uri(uri):
        raise _Stop("this mention has no Bluesky post address to reply to")
    url = f"{service}/xrpc/app.bsky.feed.getPosts?{urlencode({'uris': uri})}"
    response = await _get(fetcher, url, auth)
    if response.status != 200:
        raise _Stop(_refusal("Bluesky", response, None))
    posts = J.items(_json_or_none(response.body), "posts")
    post = posts[0] if posts else None
    parent = _ref(post)
    if parent is None:
        raise _Stop(f"Bluesky could not find the post being answered ({uri}); it may have "
                    "been deleted")
    root = _ref(J.field(J.field(J.field(post, "record"), "reply"), "root")) or parent
    return parent, root


def _ref(container: object) -> dict[str, str] | None:
    uri, cid = J.string(container, "uri") or "", J.string(container, "cid") or ""
    return {"uri": uri, "cid": cid} if is_at_uri(uri) and cid else None


def _service(url: str) -> str:
    try:
        return instance_origin(url or DEFAULT_SERVICE)
    except SourceError:
        raise _Stop("a bluesky source's url must be a service like https://bsky.social") from None


# --- requests and their failures in words ---------------------------------------------------------


async def _get(fetcher: Fetcher, url: str, auth: dict[str, str]) -> Response:
    return await _request(fetcher.get(url, headers={"Accept": "application/json"},
                                      secret_headers=auth))


async def _request(call: Awaitable[Response]) -> Response:
    """A request made before posting: any failure means nothing was posted."""
    try:
        return await call
    except FetchError as error:
        raise _Stop(error.message) from None


async def _send(fetcher: Fetcher, url: str, payload: dict[str, object],
                secrets: dict[str, str]) -> Response | Unknown:
    """The posting request itself: a timeout means it may have been posted."""
    try:
        return await fetcher.post_json(url, payload, secret_headers=secrets)
    except FetchError as error:
        if error.reason == "timeout":
            return Unknown(f"{error.message} The reply may have been posted: look at the thread, "
                           "then mark it sent or send it again.")
        raise _Stop(error.message) from None


def _refusal(platform: str, response: Response, source: SourceConfig | None) -> str:
    """Why ``platform`` said no, in words a community manager can act on."""
    status, where = response.status, display_url(response.url)
    said = J.server_message(_json_or_none(response.body))
    detail = f" ({said})" if said else ""
    if status in (401, 403):
        token = f"the token in {source.token_env}" if source and source.token_env else "the token"
        return (f"{platform} refused {token} (HTTP {status}){detail}: check it is valid and "
                "allowed to post")
    if status == 422 or status == 400:
        return (f"{platform} would not accept this reply (HTTP {status}){detail}: change the "
                "text and send again")
    if status == 429:
        wait = response.retry_after
        when = f"in {wait} s" if wait else "in a few minutes"
        return f"{platform} is limiting how fast we post (HTTP 429): send again {when}"
    if status >= 500:
        return (f"{platform} had a problem (HTTP {status} from {where}){detail}: nothing was "
                "posted; send again in a minute")
    return f"{platform} answered HTTP {status} from {where}{detail}; nothing was posted"


def _json_or_none(body: bytes) -> object:
    try:
        return J.loads(body)
    except J.JsonError:
        return None
