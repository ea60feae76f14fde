"""A readable device for a session's User-Agent string: « Firefox sur Windows ».

A deliberately small parser rather than a dependency: neither `ua-parser` nor `user-agents` is in
the project's lock file, and the sessions page only needs the major browsers and systems to tell
a person's own devices apart (the raw string stays in the cell's title). Order matters: Chromium
browsers also claim "Chrome" and "Safari", Chrome on iOS claims "Safari", Android claims "Linux".
"""

import re

# (pattern, name): the first that matches wins.
BROWSERS = [
    (re.compile(r"\bEdg(e|A|iOS)?/"), "Edge"),
    (re.compile(r"\b(OPR|Opera|OPiOS)/"), "Opera"),
    (re.compile(r"\bSamsungBrowser/"), "Samsung Internet"),
    (re.compile(r"\bYaBrowser/"), "Yandex"),
    (re.compile(r"\bVivaldi/"), "Vivaldi"),
    (re.compile(r"\b(Firefox|FxiOS)/"), "Firefox"),
    (re.compile(r"\b(Chrome|CriOS|Chromium)/"), "Chrome"),
    (re.compile(r"\bVersion/[\d.]+.*\bSafari/"), "Safari"),
    (re.compile(r"\b(MSIE |Trident/)"), "Internet Explorer"),
]

SYSTEMS = [
    (re.compile(r"\bAndroid\b"), "Android"),
    (re.compile(r"\b(iPhone|iPod)\b"), "iPhone"),
    (re.compile(r"\biPad\b"), "iPad"),
    (re.compile(r"\bCrOS\b"), "ChromeOS"),
    (re.compile(r"\bWindows\b"), "Windows"),
    (re.compile(r"\b(Macintosh|Mac OS X)\b"), "macOS"),
    (re.compile(r"\b(Ubuntu|Fedora|Debian)\b"), "Linux"),
    (re.compile(r"\bLinux\b"), "Linux"),
]


def _first(table, user_agent):
    return next((name for pattern, name in table if pattern.search(user_agent)), None)


def describe(user_agent):
    """« Navigateur sur système », one of the two alone when the other is unknown, or
    « Navigateur inconnu »."""
    user_agent = user_agent or ""
    browser = _first(BROWSERS, user_agent)
    system = _first(SYSTEMS, user_agent)
    if browser and system:
        return f"{browser} sur {system}"
    if browser:
        return browser
    if system:
        return f"Navigateur inconnu sur {system}"
    return "Navigateur inconnu"
