"""The one sanitising function for user HTML (bleach, allow-list)."""

import html
import re
from functools import partial
from urllib.parse import parse_qs, urlsplit

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


# Google's click-tracking wrapper (Gmail, search results): https://www.google.com/url?q=TARGET&sa=…
_GOOGLE_REDIRECT = re.compile(r"^https?://(www\.)?google\.[a-z]{2,3}(\.[a-z]{2})?/url\?", re.I)


def unwrap_redirect(href):
    """The target of a Google redirect link, exactly as written (its scheme kept), when it is an
    http(s) address; any other href as it is."""
    if not href or not _GOOGLE_REDIRECT.match(href):
        return href
    query = parse_qs(urlsplit(href).query)
    for key in ("q", "url"):
        target = (query.get(key) or [""])[0].strip()
        if re.match(r"^https?://[^\s]+$", target, re.I):
            return target
    return href


def _set_link_rel(attrs, new=False):
    href_key = (None, "href")
    if href_key not in attrs:
        return attrs
    attrs[href_key] = unwrap_redirect(attrs[href_key])
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


# Marks where a code block was dropped (a private-use character nobody types).
_DROPPED = "\ue000"
# bleach keeps the text of stripped tags; for these the text itself is code, so drop it whole.
_CODE_BLOCKS = re.compile(r"<(script|style|template|noscript)\b[^>]*>.*?(</\1\s*>|$)", re.I | re.S)


def _drop_code_blocks(text, replacement):
    """Code blocks out, whole. Where one stood just before « . » or « , », the spaces around it
    go too (« nationale <script>…</script>. » reads « nationale. », not « nationale . »); other
    spaces stay (French « : » takes one)."""
    text = _CODE_BLOCKS.sub(_DROPPED, text)
    text = re.sub(rf"[ \t]*{_DROPPED}[ \t]*(?=[.,])", "", text)
    return text.replace(_DROPPED, replacement)


def sanitize_html(html):
    """Allow-listed HTML: scripts, styles, event handlers and unknown tags are removed, links get
    rel="nofollow noopener", bare URLs become links; Microsoft Word's list paragraphs become
    real lists first (word_lists_to_html)."""
    if not html:
        return ""
    html = str(html)
    if "mso-list" in html.lower():
        html = word_lists_to_html(html)
    if "<table" in html.lower():
        html = tables_to_paragraphs(html)
    cleaned = _cleaner.clean(_drop_code_blocks(html, "")).strip()
    # A link whose address was refused (javascript:…) is plain text, not a greyed link-to-nowhere.
    cleaned = _LINK_WITHOUT_HREF.sub(r"\1", cleaned)
    return _strip_empty_edges(cleaned)


_LINK_WITHOUT_HREF = re.compile(r"<a(?![^>]*\shref=)(?:\s[^>]*)?>(.*?)</a>", re.S)


# A paragraph with nothing to read: Word's <p>&nbsp;</p>, an editor's <p><br></p>.
_EMPTY_EDGE = re.compile(
    r"^(\s*<p>(\s|&nbsp;|\xa0|<br\s*/?>)*</p>)+|(<p>(\s|&nbsp;|\xa0|<br\s*/?>)*</p>\s*)+$"
)


def _strip_empty_edges(html):
    """Empty paragraphs at the start and the end dropped (a pasted document's blank lines)."""
    return _EMPTY_EDGE.sub("", html).strip()


CELL_SEPARATOR = " — "


def tables_to_paragraphs(html):
    """Tables (a webmail's or a spreadsheet's, which the allow-list drops) as one paragraph per
    row, its cells separated by « — », so that « Lundi | 9h-12h » does not become
    « Lundi9h-12h ». commons/static/commons/editor.js does the same when pasting."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    # Innermost first: a nested table becomes text of its cell.
    for table in reversed(soup.find_all("table")):
        paragraphs = []
        for row in table.find_all("tr"):
            if row.find_parent("table") is not table:
                continue
            cells = [cell for cell in row.find_all(["td", "th"]) if cell.find_parent("tr") is row]
            paragraph = soup.new_tag("p")
            for cell in cells:
                for block in cell.find_all(
                    ["p", "div", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6"]
                ):
                    block.insert_after(soup.new_tag("br"))
                    block.unwrap()
                while cell.contents and getattr(cell.contents[-1], "name", None) == "br":
                    cell.contents[-1].extract()
                if not cell.get_text(strip=True):
                    continue
                if paragraph.contents:
                    paragraph.append(CELL_SEPARATOR)
                for child in list(cell.contents):
                    paragraph.append(child.extract())
            if paragraph.contents:
                paragraphs.append(paragraph)
        for paragraph in paragraphs:
            table.insert_before(paragraph)
        table.decompose()
    return str(soup)


# Word's clipboard HTML: <p class=MsoListParagraph… style='mso-list:l0 level1 lfo1'> with its
# number or bullet in <span style='mso-list:Ignore'>. commons/static/commons/editor.js does the
# same in the browser; this is for HTML that reaches the server without the editor.
_MSO_LIST = re.compile(r"mso-list\s*:\s*(l\d+)\s+level(\d+)", re.I)
_MSO_MARKER = re.compile(r"mso-list\s*:\s*ignore", re.I)
_ORDERED_MARKER = re.compile(r"^\(?([0-9]+|[a-z]|[ivxlcdm]+)[.)]$", re.I)
# A marker typed at the start of the item when Word left no mso-list:Ignore span (older Word,
# Outlook): its Symbol/Wingdings bullets « · », « o », « § », « ▪ » or a number « 1. », « a) »,
# followed by the spaces Word pads it with. A letter marker needs a non-breaking space, so that
# an item written « o u bien » is not cut.
_LEADING_MARKER = re.compile(
    r"^[\s\xa0]*(?:([·•▪■□◦‣§\uf0b7\uf0a7\uf0d8\-–—*])[\s\xa0]+"
    r"|(\(?(?:[0-9]+|[a-z]|[ivxlcdm]+)[.)])[\s\xa0]+|(o)\xa0[\s\xa0]*)",
    re.I,
)


def _drop_conditional_marker(node):
    """Word's <![if !supportLists]>marker<![endif]> removed; returns the marker's text or None."""
    from bs4.element import Comment, Declaration

    def is_cond(child, word):
        if not isinstance(child, (Declaration, Comment)):
            return False
        return str(child).strip().strip("[]").lower().startswith(word)

    for start in node.find_all(string=lambda s: is_cond(s, "if !supportlists")):
        text = []
        sibling = start.next_sibling
        while sibling is not None and not is_cond(sibling, "endif"):
            following = sibling.next_sibling
            text.append(sibling.get_text() if hasattr(sibling, "get_text") else str(sibling))
            sibling.extract()
            sibling = following
        if sibling is not None:
            sibling.extract()
        start.extract()
        return "".join(text)
    return None


def _drop_leading_marker(li):
    """A typed bullet or number at the start of a list item removed; returns it or None."""
    from bs4.element import PreformattedString

    # The first readable text of the item: nothing readable comes before it.
    first = li.find(
        string=lambda s: not isinstance(s, PreformattedString) and s.strip(" \t\r\n\xa0")
    )
    if first is None:
        return None
    match = _LEADING_MARKER.match(str(first))
    if not match:
        return None
    first.replace_with(str(first)[match.end() :])
    return match.group(1) or match.group(2) or match.group(3)


def _word_list_item(node):
    """(list id, level, "ol" or "ul") of a Word list paragraph, else None."""
    if getattr(node, "name", None) not in {"p", "h1", "h2", "h3", "h4", "h5", "h6", "div"}:
        return None
    match = _MSO_LIST.search(node.get("style", ""))
    marker = node.find(lambda tag: tag.name == "span" and _MSO_MARKER.search(tag.get("style", "")))
    # Some copies keep the class and the marker but not the mso-list style: level 1.
    is_list_class = any(c.startswith("MsoListParagraph") for c in node.get("class", []))
    if not match and not (is_list_class and marker is not None):
        return None
    list_id, level = (match.group(1), match.group(2)) if match else ("l", "1")
    kind = None
    if marker is not None:
        text = "".join(marker.get_text().split())
        kind = "ol" if _ORDERED_MARKER.match(text) else "ul"
        marker.decompose()
    conditional = _drop_conditional_marker(node)
    if kind is None and conditional is not None:
        kind = "ol" if _ORDERED_MARKER.match("".join(conditional.split())) else "ul"
    if kind is None:
        typed = _drop_leading_marker(node)
        kind = "ol" if typed and _ORDERED_MARKER.match(typed) else "ul"
    return list_id, max(1, min(int(level), 9)), kind


def word_lists_to_html(html):
    """Consecutive Word list paragraphs as <ol>/<ul> with <li>, nested by their levelN, the
    typed numbers and bullets dropped (the list shows its own)."""
    from bs4 import BeautifulSoup, NavigableString
    from bs4.element import PreformattedString

    soup = BeautifulSoup(html, "html.parser")

    def between_items(node):
        # Whitespace, comments and Word's <![if …]> between two list paragraphs.
        if isinstance(node, PreformattedString):
            return True
        return isinstance(node, NavigableString) and not node.strip()

    def convert(container):
        stack = []  # [(level, list id, kind, list element, last li)]
        for node in list(container.children):
            item = _word_list_item(node)
            if item is None:
                if between_items(node):
                    continue
                stack = []
                if getattr(node, "find", None) and node.find(style=_MSO_LIST):
                    convert(node)
                continue
            list_id, level, kind = item
            while stack and stack[-1][0] > level:
                stack.pop()
            if stack and stack[-1][0] == level and tuple(stack[-1][1:3]) != (list_id, kind):
                stack.pop()
            if not stack or stack[-1][0] < level:
                new_list = soup.new_tag(kind)
                if stack:
                    stack[-1][4].append(new_list)
                else:
                    node.insert_before(new_list)
                stack.append([level, list_id, kind, new_list, None])
            li = soup.new_tag("li")
            for child in list(node.children):
                li.append(child.extract())
            # Word breaks its lines inside tags: no leading space before the item's text.
            while li.contents and isinstance(li.contents[0], PreformattedString):
                li.contents[0].extract()
            first = li.contents[0] if li.contents else None
            if isinstance(first, NavigableString) and not isinstance(first, PreformattedString):
                first.replace_with(first.lstrip())
            stack[-1][3].append(li)
            stack[-1][4] = li
            node.decompose()

    convert(soup)
    return str(soup)


def html_to_plain_text(text):
    """What a user typed, as plain text for a place that shows no markup (a summary, a subject):
    code blocks dropped whole, other tags removed, entities decoded, spaces collapsed. Where a
    dropped block stood just before « . » or « , », the spaces around it go too (« nationale
    <script>…</script>. » reads « nationale. »); a space a person typed stays (« : » takes one)."""
    text = bleach.clean(_drop_code_blocks(str(text or ""), " "), tags=set(), strip=True)
    return " ".join(html.unescape(text).split())


def plain_text_to_html(text):
    """Plain text typed by a user (chat, short messages) as safe HTML paragraphs."""
    escaped = bleach.clean(str(text or ""), tags=set(), strip=True)
    paragraphs = [p.strip() for p in escaped.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return sanitize_html("".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in paragraphs))


# Tags that lay out lines themselves: text holding one of them is HTML from an editor, whose
# line breaks mean nothing.
_BLOCK_TAG = re.compile(r"<(p|div|br|ul|ol|li|h[1-6]|blockquote|pre|table|tr)\b", re.I)


def user_text_to_html(text):
    """What a user typed in a rich-text field: HTML from the editor through the sanitiser, plain
    text (no JavaScript, or an old client) into paragraphs. Text typed in the plain text area
    with a few inline tags (« <b>gras</b> ») keeps its paragraphs and line breaks too."""
    text = str(text or "")
    if not re.search(r"<[a-zA-Z/]", text):
        return plain_text_to_html(text)
    if _BLOCK_TAG.search(text) or "\n" not in text.strip():
        return sanitize_html(text)
    paragraphs = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return sanitize_html("".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in paragraphs))
