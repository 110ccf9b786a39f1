"""What the receiver checks in a message: JSON, schema (paths and rules only), content hash."""

from __future__ import annotations

import json

from payroll_link.handoff.message import content_hash
from payroll_link.handoff.schema import SCHEMA_NAME, problems_of, reference_problems


class Refusal(Exception):
    """A message the receiver refuses: an error code, a reason and (path, rule) problems."""

    def __init__(self, code: str, reason: str, problems: list[tuple[str, str]] | None = None):
        super().__init__(reason)
        self.code, self.reason, self.problems = code, reason, problems or []

    def body(self) -> dict:
        """Return the JSON body of the 4xx answer (never a value from the message)."""
        return {"error": self.code, "reason": self.reason,
                "problems": [{"path": path, "rule": rule} for path, rule in self.problems]}


def check_message(body: bytes, reference: bool = True) -> dict:
    """Return the parsed message, or raise Refusal saying why it is not acceptable.

    `reference` validates with jsonschema itself (slow, the yardstick); False uses the
    product's fast path first (benchmarks).
    """
    try:
        message = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise Refusal("invalid_json", "the body is not UTF-8 JSON") from None
    if not isinstance(message, dict):
        raise Refusal("invalid_json", "the body is not a JSON object")
    problems = reference_problems(message) if reference else problems_of(message)
    if problems:
        first = ", ".join(f"{path} ({rule})" for path, rule in problems[:3])
        raise Refusal("schema_invalid", f"the message fails {SCHEMA_NAME}: {first}"
                      + (f" and {len(problems) - 3} more" if len(problems) > 3 else ""), problems)
    if content_hash(message) != message["employer"]["content_hash"]:
        raise Refusal("content_hash_mismatch", "employer.content_hash does not match the content")
    return message


def summary(message: dict) -> dict:
    """Return the ids and counts a receipt repeats back (no personal data)."""
    header, employer = message["message"], message["employer"]
    return {"message_id": header["message_id"], "asr_reference": employer["asr_reference"],
            "period": employer["period"]["label"], "version": header["version"],
            "replaces_version": header["replaces_version"], "kind": header["kind"],
            "content_hash": employer["content_hash"], "stands": len(message["stands"]),
            "mutations": len(message["mutations"])}
