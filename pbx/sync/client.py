"""The only code that talks to the PBX (API: docs/pbx-config.md).

No Django here: the portal builds a PbxClient from its settings, and the background worker calls it. Every
failure becomes a PbxError with a .code (and .params) for the portal and .retryable for the worker; the portal
words the code in the reader's language when a page shows it (pbx/sync/messages.py). Pushes are
safe to retry, also after a timeout where the PBX may already have applied the document: it ignores a revision
it has already seen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from pbx.callflow.engine import Call, Route

__all__ = [
    "AppliedConfig",
    "PbxAuthError",
    "PbxClient",
    "PbxError",
    "PbxRejected",
    "PbxServerError",
    "PbxTimeout",
    "PbxUnavailable",
    "PbxUnexpectedResponse",
    "PushResult",
]


class PbxError(Exception):
    """str(exc) is the technical detail for logs; code and params say what went wrong in words the portal
    chooses (stored by the worker, translated when shown: the worker does not know who will read it)."""

    retryable: bool = False
    code: str = "error"

    def __init__(
        self, detail: str, *, status_code: int | None = None, params: dict[str, str] | None = None
    ) -> None:
        super().__init__(detail)
        self.status_code = status_code
        self.params: dict[str, str] = params or {}


class PbxUnavailable(PbxError):
    retryable = True
    code = "unavailable"


class PbxTimeout(PbxError):
    retryable = True
    code = "timeout"


class PbxServerError(PbxError):
    retryable = True
    code = "server_error"

    def __init__(self, detail: str, *, status_code: int) -> None:
        super().__init__(detail, status_code=status_code, params={"status": str(status_code)})


class PbxRejected(PbxError):
    """The PBX refused the document (422): retrying the same document cannot help."""

    code = "rejected"

    def __init__(self, detail: str, *, errors: list[str], status_code: int) -> None:
        # The PBX's own words for the first problem (its language, not ours).
        super().__init__(detail, status_code=status_code, params={"reason": errors[0]} if errors else {})
        self.errors = errors


class PbxAuthError(PbxError):
    code = "auth"


class PbxUnexpectedResponse(PbxError):
    """An answer outside the API (unknown status, body that is not the documented JSON): a wrong base URL, a
    proxy in between or an incompatible PBX. Retrying will not fix that, so it is not retryable."""

    code = "unexpected"


@dataclass(frozen=True)
class PushResult:
    applied_revision: int
    status: str  # "applied", or "ignored_older" when the PBX already had this or a newer revision.

    @property
    def applied(self) -> bool:
        return self.status == "applied"


@dataclass(frozen=True)
class AppliedConfig:
    revision: int
    config: dict[str, Any]
    applied_at: datetime


class PbxClient:
    def __init__(
        self, base_url: str, token: str, timeout: float = 5.0, transport: httpx.BaseTransport | None = None
    ) -> None:
        self._http = httpx.Client(
            base_url=base_url,
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            timeout=timeout,
            transport=transport,
            # The PBX API never redirects; following one could send the token elsewhere.
            follow_redirects=False,
        )

    def push_config(self, org_id: int, revision: int, config: dict[str, Any]) -> PushResult:
        response = self._request(
            "PUT", f"/v1/organisations/{int(org_id)}/config", json={"revision": revision, "config": config}
        )
        body = self._json(response)
        try:
            return PushResult(applied_revision=int(body["applied_revision"]), status=str(body["status"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise self._unexpected(response, f"push answer without applied_revision/status: {exc!r}") from exc

    def get_config(self, org_id: int) -> AppliedConfig | None:
        """What the PBX runs for this organisation, or None when nothing was ever pushed."""
        response = self._request("GET", f"/v1/organisations/{int(org_id)}/config", allow_not_found=True)
        if response.status_code == 404:
            return None
        body = self._json(response)
        try:
            return AppliedConfig(
                revision=int(body["revision"]),
                config=dict(body["config"]),
                applied_at=datetime.fromisoformat(body["applied_at"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise self._unexpected(
                response, f"config answer without revision/config/applied_at: {exc!r}"
            ) from exc

    def audio_present(self, org_id: int) -> set[str]:
        """The sha256 of every audio file the PBX has for this organisation (GET .../audio)."""
        response = self._request("GET", f"/v1/organisations/{int(org_id)}/audio")
        body = self._json(response)
        try:
            return {str(item["sha256"]) for item in body["audio"]}
        except (KeyError, TypeError) as exc:
            raise self._unexpected(response, f"audio list without audio[].sha256: {exc!r}") from exc

    def put_audio(self, org_id: int, sha256: str, data: bytes) -> bool:
        """Uploads one audio file (a WAV) under its sha256; True when stored, False when the PBX had it.
        Safe to repeat. A file the PBX refuses (not its hash, not a WAV) raises PbxRejected."""
        response = self._request(
            "PUT",
            f"/v1/organisations/{int(org_id)}/audio/{sha256}",
            content=data,
            headers={"Content-Type": "audio/wav"},
        )
        body = self._json(response)
        if body.get("status") not in ("stored", "exists"):
            raise self._unexpected(response, "audio answer without status stored/exists")
        return body["status"] == "stored"

    def simulate_call(self, org_id: int, call: Call) -> tuple[int, Route]:
        """What the PBX does with one call on the configuration it has applied (POST .../simulate): its
        revision and the engine's route. Changes nothing on the PBX. Nothing applied yet: the 404 is a
        PbxUnexpectedResponse with status_code 404."""
        response = self._request("POST", f"/v1/organisations/{int(org_id)}/simulate", json=call.to_json())
        body = self._json(response)
        try:
            return int(body["revision"]), Route.from_json(body["route"])
        except (KeyError, TypeError, ValueError) as exc:
            raise self._unexpected(response, f"simulate answer without revision/route: {exc!r}") from exc

    def health(self, timeout: float | None = None) -> bool:
        """True when the PBX answers its health check (GET /health, no token, never delayed by the PBX's
        load); never raises. A cheap probe: the worker asks it before pushing again after an outage."""
        try:
            response = self._http.get("/health", timeout=self._http.timeout if timeout is None else timeout)
            return response.status_code == 200 and response.json().get("status") == "ok"
        except (httpx.HTTPError, ValueError, AttributeError):
            return False

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> PbxClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _request(
        self, method: str, path: str, *, allow_not_found: bool = False, **kwargs: Any
    ) -> httpx.Response:
        target = f"{method} {path}"
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.ConnectTimeout as exc:
            # No connection at all: to the user that is "unreachable", not "slow".
            raise PbxUnavailable(f"{target}: connect timeout: {exc}") from exc
        except httpx.TimeoutException as exc:
            raise PbxTimeout(f"{target}: {type(exc).__name__}: {exc}") from exc
        except (httpx.NetworkError, httpx.RemoteProtocolError, httpx.ProxyError) as exc:
            raise PbxUnavailable(f"{target}: {type(exc).__name__}: {exc}") from exc
        except httpx.HTTPError as exc:
            # UnsupportedProtocol, LocalProtocolError, ...: a misconfigured client, not a passing outage.
            raise PbxError(f"{target}: {type(exc).__name__}: {exc}") from exc

        status = response.status_code
        if 200 <= status < 300 or (status == 404 and allow_not_found):
            return response
        detail = f"{target}: HTTP {status}: {response.text[:500]}"
        if status in (401, 403):
            raise PbxAuthError(detail, status_code=status)
        if status in (400, 422):
            raise PbxRejected(detail, errors=self._reasons(response), status_code=status)
        if status >= 500 or status == 429:
            raise PbxServerError(detail, status_code=status)
        raise PbxUnexpectedResponse(detail, status_code=status)

    @staticmethod
    def _reasons(response: httpx.Response) -> list[str]:
        try:
            errors = response.json().get("errors")
        except (ValueError, AttributeError):
            return []
        return [str(error) for error in errors] if isinstance(errors, list) else []

    def _json(self, response: httpx.Response) -> dict[str, Any]:
        try:
            body = response.json()
        except ValueError as exc:
            raise self._unexpected(response, "answer is not JSON") from exc
        if not isinstance(body, dict):
            raise self._unexpected(response, "answer is not a JSON object")
        return body

    @staticmethod
    def _unexpected(response: httpx.Response, detail: str) -> PbxUnexpectedResponse:
        request = response.request
        return PbxUnexpectedResponse(
            f"{request.method} {request.url.path}: {detail}: {response.text[:500]}",
            status_code=response.status_code,
        )
