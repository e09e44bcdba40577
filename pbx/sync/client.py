"""The only code that talks to the PBX (API: docs/pbx-config.md).

No Django here: the portal builds a PbxClient from its settings, and the background worker calls it. Every
failure becomes a PbxError with a Dutch .user_message for the portal and .retryable for the worker. Pushes are
safe to retry, also after a timeout where the PBX may already have applied the document: it ignores a revision
it has already seen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

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
    """str(exc) is the technical detail for logs; user_message is what the portal shows."""

    retryable: bool = False
    user_message: str = "Er ging iets mis bij het contact met de centrale"

    def __init__(
        self, detail: str, *, user_message: str | None = None, status_code: int | None = None
    ) -> None:
        super().__init__(detail)
        if user_message is not None:
            self.user_message = user_message
        self.status_code = status_code


class PbxUnavailable(PbxError):
    retryable = True
    user_message = "De centrale is niet bereikbaar"


class PbxTimeout(PbxError):
    retryable = True
    user_message = "De centrale reageerde niet op tijd"


class PbxServerError(PbxError):
    retryable = True

    def __init__(self, detail: str, *, status_code: int) -> None:
        super().__init__(
            detail, user_message=f"De centrale gaf een fout (HTTP {status_code})", status_code=status_code
        )


class PbxRejected(PbxError):
    """The PBX refused the document (422): retrying the same document cannot help."""

    def __init__(self, detail: str, *, errors: list[str], status_code: int) -> None:
        message = "De centrale weigerde de configuratie"
        super().__init__(
            detail, user_message=f"{message}: {errors[0]}" if errors else message, status_code=status_code
        )
        self.errors = errors


class PbxAuthError(PbxError):
    user_message = "Toegang tot de centrale geweigerd (controleer het token)"


class PbxUnexpectedResponse(PbxError):
    """An answer outside the API (unknown status, body that is not the documented JSON): a wrong base URL, a
    proxy in between or an incompatible PBX. Retrying will not fix that, so it is not retryable."""

    user_message = "De centrale gaf een onverwacht antwoord"


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
