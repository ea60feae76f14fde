"""What an app hands to notifications so that an e-mail carries the message itself."""

import re
from dataclasses import dataclass, field
from html import unescape

from django.utils.html import strip_tags


@dataclass
class Attachment:
    name: str
    url: str  # absolute
    size: int | None = None


@dataclass
class ContextItem:
    """An earlier message of the same conversation, shown in short under the new one."""

    author: str
    at: object  # datetime
    text: str


@dataclass
class EmailContent:
    html: str  # sanitised HTML, links absolute
    author: str
    at: object  # datetime
    heading: str = ""  # e.g. the thread's title
    context: list[ContextItem] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    reply_to: str = ""  # per-recipient address; empty: replying by e-mail is not offered

    @property
    def text(self):
        return html_to_text(self.html)


_BLOCK_END = re.compile(r"</(p|div|h[1-6]|blockquote|pre|ul|ol)\s*>", re.I)
_LINE_BREAK = re.compile(r"<br\s*/?>", re.I)
_LIST_TAG = re.compile(r"<(/?)(ol|ul|li)\b[^>]*>", re.I)
_INNER_SPACES = re.compile(r"(?<=\S)[ \u00a0]{2,}(?=\S)")
_LINK = re.compile(r'<a\s[^>]*href="([^"]+)"[^>]*>(.*?)</a>', re.I | re.S)


def _number_list_items(html):
    """List items as lines: « 1. », « 2. » in an <ol>, « - » in a <ul>, indented when nested."""
    stack = []  # [tag, items so far]

    def tag(match):
        closing, name = match.group(1), match.group(2).lower()
        if name in {"ol", "ul"}:
            if closing:
                if stack:
                    stack.pop()
            else:
                stack.append([name, 0])
            return match.group(0)
        if closing:
            return match.group(0)
        indent = "   " * max(len(stack) - 1, 0)
        if stack and stack[-1][0] == "ol":
            stack[-1][1] += 1
            return f"\n{indent}{stack[-1][1]}. "
        return f"\n{indent}- "

    return _LIST_TAG.sub(tag, html)


def html_to_text(html):
    """Readable plain text of sanitised HTML: paragraphs, line breaks, list items and link
    targets kept (the text part of an e-mail)."""

    def link(match):
        href, label = unescape(match.group(1)), strip_tags(match.group(2)).strip()
        # A mention ("@Julien Caron") links to the member list: its address in brackets broke
        # the sentence in the text part, and the name says it all.
        if not href or unescape(label) == href or label.startswith("@"):
            return label
        return f"{label} ({href})"

    text = _LINK.sub(link, html or "")
    text = _number_list_items(text)
    text = _LINE_BREAK.sub("\n", text)
    text = _BLOCK_END.sub("\n\n", text)
    text = unescape(strip_tags(text))
    # Spaces doubled inside a line (the editor's no-break space after a mention, then a space)
    # become one; the indentation of list items, at the start of a line, stays.
    lines = [
        _INNER_SPACES.sub(" ", line.rstrip()) for line in text.replace("\r\n", "\n").split("\n")
    ]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
