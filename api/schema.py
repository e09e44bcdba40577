"""Post-processing of the generated OpenAPI description: the error answers every endpoint gives.

drf-spectacular describes the successful answers from the views; the errors come from the
shared machinery (authentication, permissions, the services' validation, versions, the rate
limit), so they are added here once, with the body they have (api.exceptions).
"""

from __future__ import annotations

from typing import Any

ERROR = {
    "type": "object",
    "description": "`detail` for the whole request, or field names with lists of messages "
    "(`non_field_errors` for what belongs to no field); 409 also has `current`, the stored object.",
    "properties": {"detail": {"type": "string"}, "current": {"type": "object"}},
    "additionalProperties": True,
}
ANSWERS = {
    "400": "Refused: what is wrong, by field, in the language of Accept-Language.",
    "401": "No key, or a key that is unknown, expired or revoked.",
    "403": "The key's account may only read (a read-only member), or a session write without CSRF.",
    "404": "No such object in the key's organisation (another organisation's object is not found either).",
    "405": "Method not allowed.",
    "406": "Not acceptable.",
    "409": "Stale version: someone else changed the object since you read it.",
    "415": "Send JSON (Content-Type: application/json).",
    "429": "Too many requests with this key; Retry-After says when to try again.",
}
READ_ONLY = ("400", "401", "403", "404", "405", "406", "429")


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = ERROR
    for path, operations in result.get("paths", {}).items():
        if not path.startswith("/api/v1/") or path.startswith(("/api/v1/schema", "/api/v1/docs")):
            continue
        for method, operation in operations.items():
            codes = READ_ONLY if method == "get" else tuple(ANSWERS)
            responses = operation.setdefault("responses", {})
            for code in codes:
                responses.setdefault(
                    code,
                    {
                        "description": ANSWERS[code],
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                    },
                )
    return result
