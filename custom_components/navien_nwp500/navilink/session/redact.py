"""Remove secrets from text meant for logs and diagnostics."""

import re

_SECRETS = (
    # Query strings of signed URLs (X-Amz-Credential, -Signature, -Security-Token).
    re.compile(r"\?[^\s'\"()]*X-Amz-[^\s'\"()]*", re.IGNORECASE),
    # JWTs: three base64url parts separated by dots.
    re.compile(r"eyJ[\w-]+\.[\w-]+\.[\w-]+"),
    # AWS access key IDs.
    re.compile(r"\b(?:AKIA|ASIA)[A-Z0-9]{12,}\b"),
    # Long opaque tokens (secret keys, session tokens, refresh tokens): with
    # lower case and digits, unlike the upper-case names of awscrt errors.
    re.compile(r"(?=[\w+/=-]*[a-z])(?=[\w+/=-]*[0-9])[\w+/=-]{32,}"),
)
REDACTED = "**REDACTED**"


def redact(text: str) -> str:
    """Return ``text`` with signed-URL queries, tokens and keys replaced."""
    for pattern in _SECRETS:
        text = pattern.sub(REDACTED, text)
    return text
