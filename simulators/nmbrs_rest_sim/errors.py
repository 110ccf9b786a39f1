"""The error bodies the REST API answers, in the spec's shape, and the one exception for them.

Codes and titles are the spec's own examples where it has one; the rest are the simulator's
choice and are named in the README (marked there as such).
"""

from __future__ import annotations

DOC_URL = "https://developer.nmbrs.com/api/docs/errors"

# name -> (http status, type, code, title, detail)
ERRORS: dict[str, tuple[int, str, int, str, str]] = {
    "invalid_param": (400, "validationError", 40033, "Parameter_Invalid", "Invalid parameter."),
    "missing_token": (401, "authenticationError", 40101, "Missing_Token",
                      "Token is missing on the authentication"),
    "invalid_token": (401, "authenticationError", 40102, "Invalid_Token", "Token is invalid."),
    "subscription_key": (401, "authenticationError", 40103, "Invalid_Subscription_Key",
                         "The X-Subscription-Key header is missing or unknown."),
    "scope": (403, "authenticationError", 40301, "Insufficient_Scope",
              "The token was not granted a scope this operation accepts."),
    "access_data": (403, "authenticationError", 40303, "Unauthorized_AccessData",
                    "You do not have access for the debtor or company you are trying to reach."),
    "multiple_debtors": (403, "authenticationError", 40306, "Multiple_Debtor_Consents",
                         "This endpoint does not support a token consented for several debtors."),
    "not_found": (404, "invalidRequestError", 40401, "Not_Found",
                  "The requested resource could not be found."),
    "invalid_company": (404, "invalidRequestError", 40404, "Invalid_Company",
                        "Company not found. Check if the company Id is correct."),
    "too_many_calls": (429, "throttlingError", 42908, "Too_Many_Calls",
                       "The amount of calls is above the threshold for your subscription plan."),
    "unknown": (500, "apiError", 50001, "Unkown", "An unexpected error has occurred."),
    "document_failed": (500, "apiError", 50002, "Document_Failed",
                        "The document could not be generated."),
    "bad_gateway": (502, "apiError", 50201, "Bad_Gateway", "A gateway error has ocurred."),
    "unavailable": (503, "apiError", 50301, "Service_Unavailable",
                    "The API is not available, it can be because of an update or an "
                    "unexpected error."),
}


class ApiError(Exception):
    """An error answer: one of ERRORS, optionally with a detail and invalid-params."""

    def __init__(self, name: str, detail: str | None = None,
                 invalid: list[tuple[str, str]] | None = None, headers: dict | None = None):
        self.status, self.type, self.code, self.title, default = ERRORS[name]
        self.detail = detail or default
        self.invalid = invalid or []
        self.headers = headers or {}
        super().__init__(f"{self.status} {self.title}")

    def body(self) -> dict:
        """Return the JSON body."""
        body = {"type": self.type, "httpStatus": self.status, "code": self.code,
                "title": self.title, "detail": self.detail, "docUrl": DOC_URL}
        if self.invalid:
            body["invalid-params"] = [{"name": n, "reason": r} for n, r in self.invalid]
        return body


def invalid_param(name: str, reason: str) -> ApiError:
    """Return a 400 naming one bad parameter."""
    return ApiError("invalid_param", invalid=[(name, reason)])
