"""Field value checks and normalisation for the Twenty emulator.

Mirrors the per-type validators of Twenty's common data-arg processor (twenty-server
engine/api/common/common-args-processors/data-arg-processor/validator-utils): each
refuses a value of the wrong shape with the server's message, and composite fields refuse
sub-fields they do not have. Pure functions; no shared state.
"""

import datetime
import json
import re
import uuid

UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
EMAIL_RE = re.compile(r"^[^\s@]+@[^\s@]+\.[^\s@]+$")
DATE_TIME_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
CALLING_CODE_RE = re.compile(r"^\+\d{1,4}$")
COUNTRY_CODE_RE = re.compile(r"^[A-Z]{2}$")
PHONE_NUMBER_RE = re.compile(r"^[0-9 ()./-]*$")
CURRENCY_CODE_RE = re.compile(r"^[A-Z]{3}$")


class ApiError(Exception):
    """An answer in Twenty's REST error shape: HTTP status plus
    {"statusCode", "error", "messages"} (HttpExceptionHandlerService)."""

    NAMES = {400: "BadRequestException", 401: "Unauthorized", 403: "Forbidden",
             404: "NotFoundException", 409: "Conflict", 413: "PayloadTooLargeException",
             422: "UnprocessableEntity", 429: "TooManyRequests", 500: "InternalServerError",
             502: "BadGateway", 503: "ServiceUnavailable"}

    def __init__(self, status, message, error=None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.error = error or self.NAMES.get(status, "BadRequestException")

    def body(self):
        return {"statusCode": self.status, "error": self.error, "messages": [self.message]}


def bad(message):
    return ApiError(400, message)


def inspect(value):
    """Roughly Node's util.inspect, which Twenty puts into its messages."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return "'" + value.replace("'", "\\'") + "'"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "[ " + ", ".join(inspect(v) for v in value) + " ]" if value else "[]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{k}: {inspect(v)}" for k, v in value.items()) + " }"
    return str(value)


def is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def is_valid_uuid(value):
    return isinstance(value, str) and bool(UUID_RE.match(value))


def now_iso():
    now = datetime.datetime.now(datetime.timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def parse_date_time(value):
    """ISO 8601 with a time and an offset -> 'YYYY-MM-DDTHH:MM:SS.mmmZ' in UTC, or None."""
    if not isinstance(value, str):
        return None
    m = DATE_TIME_RE.match(value.strip())
    if not m:
        return None
    year, month, day, hour, minute = (int(m.group(i)) for i in range(1, 6))
    second = int(m.group(6) or 0)
    frac = (m.group(7) or "0")[:6].ljust(6, "0")
    offset = m.group(8)
    try:
        if offset == "Z":
            tz = datetime.timezone.utc
        else:
            sign = 1 if offset[0] == "+" else -1
            digits = offset[1:].replace(":", "")
            tz = datetime.timezone(sign * datetime.timedelta(hours=int(digits[:2]),
                                                             minutes=int(digits[2:])))
        dt = datetime.datetime(year, month, day, hour, minute, second, int(frac), tzinfo=tz)
    except ValueError:
        return None
    dt = dt.astimezone(datetime.timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def parse_date(value):
    if not isinstance(value, str) or not DATE_RE.match(value):
        return None
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return None
    return value


# --- scalar validators -------------------------------------------------------------------


def check_text(value, name):
    if value is not None and not isinstance(value, str):
        raise bad(f'Invalid string value {inspect(value)} for text field "{name}"')
    return value


def check_number(value, name):
    if value is None:
        return None
    if not is_number(value) or value != value or value in (float("inf"), float("-inf")):
        raise bad(f'Invalid number value {inspect(value)} for field "{name}"')
    return value


def check_numeric(value, name):
    if isinstance(value, str):
        try:
            float(value)
            return value
        except ValueError:
            pass
    return check_number(value, name)


def check_boolean(value, name):
    if value is not None and not isinstance(value, bool):
        raise bad(f'Invalid boolean value {inspect(value)} for field "{name}"')
    return value


def check_date_time(value, name):
    if value is None:
        return None
    normalised = parse_date_time(value)
    if normalised is None:
        raise bad(f"Invalid value {inspect(value)} for date-time field \"{name}\". "
                  "Expected format: 'YYYY-MM-DDTHH:mm:ssZ'")
    return normalised


def check_date(value, name):
    if value is None:
        return None
    if parse_date(value) is None:
        raise bad(f"Invalid value {inspect(value)} for date field \"{name}\". "
                  "Expected format: 'YYYY-MM-DD'")
    return value


def check_uuid(value, name):
    if value is None:
        return None
    if not isinstance(value, str) or not value or not is_valid_uuid(value):
        raise bad(f'Invalid UUID value {inspect(value)} for field "{name}"')
    return value.lower()


def check_select(value, name, options):
    check_text(value, name)
    if value is not None and value not in options:
        raise bad(f'Invalid value {inspect(value)} for field "{name}"')
    return value


def check_multi_select(value, name, options):
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise bad(f'Invalid value {inspect(value)} for multi-select field "{name}"')
    for v in value:
        if v not in options:
            raise bad(f'Invalid value {inspect(v)} for field "{name}"')
    return list(value)


def check_array(value, name):
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise bad(f'Invalid array value {inspect(value)} for field "{name}"')
    return list(value)


def check_raw_json(value, name):
    if value is None or isinstance(value, (dict, list)):
        return value
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
            if isinstance(parsed, (dict, list)):
                return parsed
        except ValueError:
            pass
    raise bad(f'Invalid object value {inspect(value)} for field "{name}"')


# --- composite validators ----------------------------------------------------------------

COMPOSITE_DEFAULTS = {
    "FULL_NAME": {"firstName": "", "lastName": ""},
    "EMAILS": {"primaryEmail": "", "additionalEmails": None},
    "PHONES": {"primaryPhoneNumber": "", "primaryPhoneCountryCode": "",
               "primaryPhoneCallingCode": "", "additionalPhones": None},
    "LINKS": {"primaryLinkUrl": "", "primaryLinkLabel": "", "secondaryLinks": None},
    "ADDRESS": {"addressStreet1": "", "addressStreet2": "", "addressCity": "", "addressState": "",
                "addressPostcode": "", "addressCountry": "", "addressLat": None,
                "addressLng": None},
    "CURRENCY": {"amountMicros": None, "currencyCode": ""},
    "RICH_TEXT_V2": {"blocknote": None, "markdown": None},
}

TYPE_WORDS = {"FULL_NAME": "full name", "EMAILS": "emails", "PHONES": "phones", "LINKS": "links",
              "ADDRESS": "address", "CURRENCY": "currency", "RICH_TEXT_V2": "rich text"}


def _composite_object(value, name, ftype):
    if not isinstance(value, dict):
        raise bad(f'Invalid object value {inspect(value)} for field "{name}"')
    for key in value:
        if key not in COMPOSITE_DEFAULTS[ftype]:
            raise bad(f'Invalid subfield {key} for {TYPE_WORDS[ftype]} field "{name}"')
    return value


def _check_email(value, path):
    if value is None:
        return None
    if not isinstance(value, str) or (value and not EMAIL_RE.match(value.strip())):
        raise bad(f'Invalid string value {inspect(value)} for email field "{path}"')
    return value.strip().lower()


def check_emails(value, name):
    _composite_object(value, name, "EMAILS")
    out = {}
    if "primaryEmail" in value:
        out["primaryEmail"] = _check_email(value["primaryEmail"], f"{name}.primaryEmail")
        if out["primaryEmail"] is None:
            out["primaryEmail"] = ""
    if "additionalEmails" in value:
        extra = value["additionalEmails"]
        if extra is not None:
            if not isinstance(extra, list):
                raise bad(f'Invalid array value {inspect(extra)} for field '
                          f'"{name}.additionalEmails"')
            extra = [_check_email(e, f"{name}.additionalEmails") for e in extra]
        out["additionalEmails"] = extra
    return out


def normalise_url(url):
    """Twenty lower-cases a link's origin and drops a trailing slash
    (lowercaseUrlOriginAndRemoveTrailingSlash), so 'HTTPS://Lab.Example/' == 'https://lab.example'."""
    url = url.strip()
    scheme, sep, rest = url.partition("://")
    if not sep:
        scheme, rest = "", url
    host, slash, path = rest.partition("/")
    url = (scheme.lower() + "://" if sep else "") + host.lower() + slash + path
    return url[:-1] if url.endswith("/") else url


def check_links(value, name):
    _composite_object(value, name, "LINKS")
    out = {}
    for key in ("primaryLinkUrl", "primaryLinkLabel"):
        if key in value:
            out[key] = check_text(value[key], f"{name}.{key}")
            if out[key] is None:
                out[key] = ""
            out[key] = out[key].strip()
    if out.get("primaryLinkUrl"):
        out["primaryLinkUrl"] = normalise_url(out["primaryLinkUrl"])
    if "secondaryLinks" in value:
        links = value["secondaryLinks"]
        if links is not None:
            if not isinstance(links, list):
                raise bad(f'Invalid array value {inspect(links)} for field "{name}.secondaryLinks"')
            for link in links:
                if not isinstance(link, dict) or set(link) - {"url", "label"}:
                    raise bad(f'Invalid value {inspect(link)} for field "{name}.secondaryLinks"')
                for k in link:
                    check_text(link[k], f"{name}.secondaryLinks.{k}")
            links = [dict(link, url=normalise_url(link["url"])) if link.get("url") else link
                     for link in links]
        out["secondaryLinks"] = links
    return out


def check_phones(value, name):
    _composite_object(value, name, "PHONES")
    out = {}
    if "primaryPhoneNumber" in value:
        number = check_text(value["primaryPhoneNumber"], f"{name}.primaryPhoneNumber") or ""
        if not PHONE_NUMBER_RE.match(number):
            raise bad(f'Invalid phone number {inspect(number)} for field "{name}"')
        out["primaryPhoneNumber"] = number
    if "primaryPhoneCountryCode" in value:
        code = check_text(value["primaryPhoneCountryCode"], f"{name}.primaryPhoneCountryCode") or ""
        if code and not COUNTRY_CODE_RE.match(code):
            raise bad(f'Invalid country code {inspect(code)} for field "{name}"')
        out["primaryPhoneCountryCode"] = code
    if "primaryPhoneCallingCode" in value:
        code = check_text(value["primaryPhoneCallingCode"], f"{name}.primaryPhoneCallingCode") or ""
        if code and not CALLING_CODE_RE.match(code):
            raise bad(f'Invalid calling code {inspect(code)} for field "{name}"')
        out["primaryPhoneCallingCode"] = code
    if "additionalPhones" in value:
        phones = value["additionalPhones"]
        if phones is not None:
            if not isinstance(phones, list):
                raise bad(f'Invalid array value {inspect(phones)} for field '
                          f'"{name}.additionalPhones"')
            for phone in phones:
                if not isinstance(phone, dict) or set(phone) - {"number", "countryCode",
                                                                "callingCode"}:
                    raise bad(f'Invalid value {inspect(phone)} for field '
                              f'"{name}.additionalPhones"')
                for k in phone:
                    check_text(phone[k], f"{name}.additionalPhones.{k}")
        out["additionalPhones"] = phones
    return out


def check_full_name(value, name):
    _composite_object(value, name, "FULL_NAME")
    out = {}
    for key in value:
        out[key] = check_text(value[key], f"{name}.{key}")
        if out[key] is None:
            out[key] = ""
    return out


def check_address(value, name):
    _composite_object(value, name, "ADDRESS")
    out = {}
    for key, sub in value.items():
        if key in ("addressLat", "addressLng"):
            out[key] = check_number(sub, f"{name}.{key}")
        else:
            out[key] = check_text(sub, f"{name}.{key}")
            if out[key] is None:
                out[key] = ""
    return out


def check_currency(value, name):
    _composite_object(value, name, "CURRENCY")
    out = {}
    if "amountMicros" in value:
        amount = value["amountMicros"]
        if isinstance(amount, str):
            try:
                amount = int(amount)
            except ValueError:
                raise bad(f'Invalid number value {inspect(amount)} for field '
                          f'"{name}.amountMicros"')
        out["amountMicros"] = check_number(amount, f"{name}.amountMicros")
    if "currencyCode" in value:
        code = check_text(value["currencyCode"], f"{name}.currencyCode") or ""
        if code and not CURRENCY_CODE_RE.match(code):
            raise bad(f'Invalid currency code {inspect(code)} for field "{name}.currencyCode"')
        out["currencyCode"] = code
    return out


def markdown_to_blocknote(markdown, seed):
    """A deterministic BlockNote document for a markdown text: one block per paragraph,
    headings as heading blocks, '- ' lines as bullet items. Ids derive from the text so
    that equal inputs give equal snapshots."""
    blocks = []
    lines = markdown.replace("\r\n", "\n").split("\n")
    paragraph = []

    def block(kind, text, props=None):
        bid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{seed}:{len(blocks)}:{text}"))
        base = {"textColor": "default", "backgroundColor": "default", "textAlignment": "left"}
        base.update(props or {})
        content = [{"type": "text", "text": text, "styles": {}}] if text else []
        blocks.append({"id": bid, "type": kind, "props": base, "content": content,
                       "children": []})

    def flush():
        if paragraph:
            block("paragraph", "\n".join(paragraph))
            paragraph.clear()

    for line in lines:
        stripped = line.strip()
        heading = re.match(r"^(#{1,3})\s+(.*)$", stripped)
        if not stripped:
            flush()
        elif heading:
            flush()
            block("heading", heading.group(2), {"level": len(heading.group(1))})
        elif re.match(r"^[-*]\s+", stripped):
            flush()
            block("bulletListItem", re.sub(r"^[-*]\s+", "", stripped))
        else:
            paragraph.append(stripped)
    flush()
    return json.dumps(blocks, separators=(",", ":"))


def blocknote_to_markdown(blocknote, name):
    try:
        blocks = json.loads(blocknote)
        if not isinstance(blocks, list):
            raise ValueError
    except ValueError:
        raise bad(f'Invalid blocknote value {inspect(blocknote)} for field "{name}.blocknote"')
    parts = []
    for b in blocks:
        text = "".join(c.get("text", "") for c in (b.get("content") or []) if isinstance(c, dict))
        if b.get("type") == "heading":
            text = "#" * int((b.get("props") or {}).get("level", 1)) + " " + text
        elif b.get("type") == "bulletListItem":
            text = "- " + text
        parts.append(text)
    return "\n\n".join(parts)


def check_rich_text_v2(value, name, seed):
    _composite_object(value, name, "RICH_TEXT_V2")
    markdown = check_text(value.get("markdown"), f"{name}.markdown")
    blocknote = check_text(value.get("blocknote"), f"{name}.blocknote")
    if markdown is not None and blocknote is None:
        blocknote = markdown_to_blocknote(markdown, seed)
    elif blocknote is not None and markdown is None:
        markdown = blocknote_to_markdown(blocknote, name)
    return {"blocknote": blocknote, "markdown": markdown}
