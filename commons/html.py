"""The one sanitising function for user HTML (bleach, allow-list)."""

import html
import re
from functools import partial

import bleach
from bleach.linkifier import LinkifyFilter

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "i", "li",
        "ol", "p", "pre", "s", "strong", "sub", "sup", "u", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel", "target"], "abbr": ["title"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto", "tel"})
LINK_REL = "nofollow noopener"


def _set_link_rel(attrs, new=False):
    href_key = (None, "href")
    if href_key not in attrs:
        return attrs
    attrs[(None, "rel")] = LINK_REL
    return attrs


_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[partial(LinkifyFilter, callbacks=[_set_link_rel], skip_tags={"pre", "code"})],
)


# bleach keeps the text of stripped tags; for these the text itself is code, so drop it whole.
_CODE_BLOCKS = re.compile(r"<(script|style|template|noscript)\b[^>]*>.*?(</\1\s*>|$)", re.I | re.S)


def sanitize_html(html):
    """Allow-listed HTML: scripts, styles, event handlers and unknown tags are removed, links get
    rel="nofollow noopener", bare URLs become links."""
    if not html:
        return ""
    return _cleaner.clean(_CODE_BLOCKS.sub("", str(html))).strip()


def html_to_plain_text(text):
    """What a user typed, as plain text for a place that shows no markup (a summary, a subject):
    code blocks dropped whole, other tags removed, entities decoded, spaces collapsed."""
    text = bleach.clean(_CODE_BLOCKS.sub(" ", str(text or "")), tags=set(), strip=True)
    return " ".join(html.unescape(text).split())


def plain_text_to_html(text):
    """Plain text typed by a user (chat, short messages) as safe HTML paragraphs."""
    escaped = bleach.clean(str(text or ""), tags=set(), strip=True)
    paragraphs = [p.strip() for p in escaped.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return sanitize_html("".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in paragraphs))


def user_text_to_html(text):
    """What a user typed in a rich-text field: HTML from the editor through the sanitiser, plain
    text (no JavaScript, or an old client) into paragraphs."""
    text = str(text or "")
    return sanitize_html(text) if re.search(r"<[a-zA-Z/]", text) else plain_text_to_html(text)
