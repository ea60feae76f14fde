"""French forms Django's own filters get wrong: plurals (0 and 1 are singular in French, so
Django's `pluralize` writes "0 inscrits") and the first day of a month ("1er février").

Registered as template builtins (settings TEMPLATES "builtins"), so every template can write
`{{ n }} place{{ n|pluriel }}`, `{{ n|pluriel:"al,aux" }}`, `{{ n }} {{ unit|unite:n }}` and
`{{ day|date_fr:"l j F Y" }}`, `{{ total|nombre }}`, `{{ days|duree_jours }}`, `{{ at|heure }}`,
`{{ at|date_heure }}` and `de {{ name|de }}` without `{% load %}`; Python code calls `plural()`,
`unit_for()`, `format_date()`, `format_time()`, `format_datetime()`, `of_name()`,
`format_number()` and `duration_in_days()`.

Times: one form everywhere (e-mails, notifications, pages), « 21 h 55 », the hour without a
leading zero and no seconds, as the French administration writes it; no-break spaces keep it on
one line.
"""

import re
import unicodedata
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django import template
from django.utils import formats, timezone

register = template.Library()

# A "j" (day of the month without leading zero) that is not escaped by a backslash.
_DAY = re.compile(r"(?<!\\)j")


def plural(count, forms="s"):
    """The suffix (or word) for `count` in French: "s" from 2 on, "" for 0 and 1.

    `forms` is "plural suffix" or "singular,plural" like Django's pluralize."""
    singular, _, many = forms.rpartition(",") if "," in forms else ("", "", forms)
    try:
        count = abs(int(count))
    except (TypeError, ValueError):
        try:
            count = len(count)
        except TypeError:
            return singular
    return many if count >= 2 else singular


def unit_for(count, unit):
    """A unit written after a number, agreed like `plural`: "1 besoin", "2 besoins".

    Units are written in the plural ("personnes", "types d'acteurs"); below 2 the first word loses
    its final "s". "singulier,pluriel" spells both forms for the words that rule gets wrong;
    symbols ("%", "k€") stay as they are."""
    unit = unit or ""
    if "," in unit:
        singular, _, many = unit.partition(",")
        return plural(count, f"{singular.strip()},{many.strip()}")
    first, space, rest = unit.partition(" ")
    if len(first) > 2 and first.endswith("s") and not first.endswith("ss"):
        return plural(count, f"{first[:-1]}{space}{rest},{unit}")
    return unit


def format_number(value, grouping=True):
    """A number as French readers write it: "88 194", "22,5", "9" (never "9,00" or "22,50");
    thousands grouped with a no-break space unless `grouping` is false (a value put back in an
    input). None and "" give ""."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    else:
        number = number.normalize()
    sign, digits = ("-", f"{-number:f}") if number < 0 else ("", f"{number:f}")
    whole, _, decimals = digits.partition(".")
    if grouping and len(whole) > 3:
        groups = []
        while whole:
            groups.insert(0, whole[-3:])
            whole = whole[:-3]
        whole = "\u00a0".join(groups)
    return sign + whole + ("," + decimals if decimals else "")


def without_accents(text):
    """The text with its accents and cedillas removed ("Île" -> "Ile", "ç" -> "c"); case and
    ligatures kept. The one place the platform folds accents: sorting, admin lookups, the
    search analysis."""
    decomposed = unicodedata.normalize("NFKD", str(text or ""))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def sort_key(text):
    """Key for French alphabetical order, insensitive to accents, case and punctuation:
    "Île-de-France" among the I, "Saint-Étienne" before "Saint-Omer" (Python and the
    database's default collation compare code points, which puts every accented capital last)."""
    letters = without_accents(text).casefold()
    return re.sub(r"[\W_]+", " ", letters).strip(), str(text or "")


def format_date(value, fmt="j F Y"):
    """Django's date format, with "1er" for the first day of the month ("1er février 2027")."""
    if value is None or value == "":
        return ""
    if getattr(value, "day", None) == 1:
        fmt = _DAY.sub(r"j\\e\\r", fmt)
    return formats.date_format(value, fmt)


def format_time(value):
    """« 21 h 55 », « 9 h 05 » (local time for an aware datetime); "" for None."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{value.hour}\u00a0h\u00a0{value.minute:02d}"


def format_datetime(value, fmt="j F Y"):
    """« 7 décembre 2026 à 21 h 55 »: the date as `format_date` writes it with `fmt`, then the
    time as `format_time` does."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{format_date(value, fmt)} à {format_time(value)}"


# Words starting with a vowel sound: a vowel (accented or not), or an "h" (mute in the first
# names and place names the platform writes: Hélène, Hugo, Hauts-de-France is the exception
# nobody writes after "de").
_ELIDED = re.compile(r"^[aeiouyhàâäéèêëîïôöùûüœæ]", re.I)


def of_prefix(name):
    """The « de » alone, for a name set apart in markup: "d'" or "de "."""
    return "d'" if _ELIDED.match(str(name or "").strip()) else "de "


def of_name(name):
    """« de » before a name, elided before a vowel or an h: « d'Amandine », « de Julien »."""
    name = str(name or "").strip()
    return f"{of_prefix(name)}{name}" if name else ""


def file_size(size):
    """A file size as French readers write it: "25,7 Mo", "512 ko" (Django's filesizeformat
    writes "Mio", a unit nobody outside computing uses)."""
    size = int(size or 0)
    for unit, factor in (("Go", 1024**3), ("Mo", 1024**2), ("ko", 1024)):
        if size >= factor:
            value = size / factor
            text = f"{value:.0f}" if value >= 100 or value == int(value) else f"{value:.1f}"
            return f"{text.replace('.', ',')} {unit}"
    return f"{size} octet{plural(size)}"


def duration_in_days(days):
    """A retention period set in days, as a reader says it: "3 ans" for 1095, "1 an" for 365
    (a whole number of 365-day years), else "30 jours"."""
    days = int(days)
    if days and days % 365 == 0:
        years = days // 365
        return f"{years} an{plural(years)}"
    return f"{days} jour{plural(days)}"


@register.filter(name="duree_jours", is_safe=False)
def duration_in_days_filter(value):
    """`{{ settings_days|duree_jours }}`: see `duration_in_days`."""
    return duration_in_days(value)


_BEFORE_PUNCTUATION = re.compile(r"[ \t]+([?!:;»])")
_AFTER_QUOTE = re.compile(r"«[ \t]+")


def typographic_spaces(text):
    """Typed titles with no-break spaces before « ? ! : ; » » and after « « »: the « ? » of
    « … de stage ? » no longer wraps alone onto the next line (walk 12g)."""
    text = _BEFORE_PUNCTUATION.sub("\u00a0\\1", str(text or ""))
    return _AFTER_QUOTE.sub("«\u00a0", text)


@register.filter(name="insecables", is_safe=False)
def typographic_spaces_filter(value):
    """`{{ thread.title|insecables }}`: see `typographic_spaces`."""
    return typographic_spaces(value)


@register.filter(name="taille", is_safe=False)
def file_size_filter(value):
    return file_size(value)


@register.filter(name="pluriel", is_safe=False)
def pluriel_filter(value, forms="s"):
    return plural(value, forms)


@register.filter(name="unite", is_safe=False)
def unit_filter(unit, count):
    """`{{ n }} {{ indicator.unit|unite:n }}`: see `unit_for`."""
    return unit_for(count, unit)


@register.filter(name="nombre", is_safe=False)
def number_filter(value):
    return format_number(value)


def quoted(text):
    """« text », its own guillemets turned into inner quotes: « “L'emploi en jeu”, un forum »
    rather than « « L'emploi en jeu », un forum »."""
    inner = str(text or "").replace("«\u00a0", "“").replace("\u00a0»", "”")
    inner = inner.replace("« ", "“").replace(" »", "”").replace("«", "“").replace("»", "”")
    return f"« {inner} »"


@register.filter(name="guillemets", is_safe=False)
def quoted_filter(value):
    return quoted(value)


@register.filter(name="date_fr", expects_localtime=True, is_safe=False)
def date_fr_filter(value, fmt="j F Y"):
    try:
        return format_date(value, fmt)
    except (AttributeError, TypeError, ValueError):
        return ""


@register.filter(name="heure", is_safe=False)
def time_filter(value):
    """`{{ at|heure }}`: « 21 h 55 » (see `format_time`)."""
    try:
        return format_time(value)
    except (AttributeError, TypeError, ValueError):
        return ""


@register.filter(name="date_heure", is_safe=False)
def datetime_filter(value, fmt="j F Y"):
    """`{{ at|date_heure }}`: « 7 décembre 2026 à 21 h 55 »; `{{ at|date_heure:"l j F" }}`."""
    try:
        return format_datetime(value, fmt)
    except (AttributeError, TypeError, ValueError):
        return ""


@register.filter(name="de", is_safe=False)
def of_name_filter(value):
    """`Proposition {{ name|de }}`: « Proposition d'Amandine Leroy » (see `of_name`)."""
    return of_name(value)


@register.filter(name="de_devant", is_safe=False)
def of_prefix_filter(value):
    """`{{ name|de_devant }}<strong>{{ name }}</strong>`: « d'<strong>Amandine</strong> »."""
    return of_prefix(value)
