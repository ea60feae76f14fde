import html


def page_text(response):
    """Response body with HTML entities decoded, for readable assertions on French text."""
    return html.unescape(response.content.decode())


def comparable(response, path):
    """Body without what legitimately differs between two 404s: the CSRF token and the page's
    own address (in the login link's ?next=)."""
    import re

    text = page_text(response).replace(path, "<path>")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
