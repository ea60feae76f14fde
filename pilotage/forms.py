"""Reading the questionnaire's fields: one French error per field, warnings to confirm.

The questionnaire's questions come from a frozen version, so the form is built from its
VersionIndicator rows rather than declared. Field names: v-<code> (value), b-<code>-<dimension>-<slug>
(breakdown parts), r-<code> (revision the form started from), o-<code> (digest of the value the
form started from: a value sent back unchanged is not an edit, even if another member changed it
meanwhile), c-<code> (warning confirmed), p-<code> (pre-filled value checked).

A warning (a breakdown not adding up to its total) never blocks saving the draft: the answer is
saved with its confirmation state, and only the submission asks for every warning to be confirmed.
"""

import hashlib
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django import forms
from wagtail.admin.forms import WagtailAdminModelForm

from commons import french
from pilotage.models import Aggregation, Indicator, Kind

YES, NO = "oui", "non"
# Answer.number holds 16 digits, 2 of them decimals.
MAX_NUMBER = Decimal("99999999999999")
# Answer.text's length: said under the field and enforced by the input (maxlength).
TEXT_MAX_LENGTH = 255
PLAIN_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")


@dataclass
class AnswerValue:
    number: Decimal | None = None
    text: str = ""
    breakdown: dict = field(default_factory=dict)
    confirmed_prefill: bool = False
    # The breakdown does not add up to the total and the member ticked « Je confirme ces chiffres ».
    confirmed_breakdown: bool = False
    # Sent back as the form showed it: this member did not edit it (see value_digest).
    untouched: bool = False

    @property
    def is_empty(self):
        return self.number is None and not self.text


def value_digest(number, text, breakdown):
    """A short fingerprint of an answer as the form shows it, written into the form (o-<code>) so
    that saving a step only writes the fields this member actually changed."""

    def canonical(number):
        return format(Decimal(str(number)).normalize(), "f") if number not in (None, "") else ""

    parts = {
        dimension: {slug: canonical(part) for slug, part in (items or {}).items()}
        for dimension, items in (breakdown or {}).items()
    }
    payload = json.dumps([canonical(number), text or "", parts], sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def format_number(value):
    """A stored value put back in an input: "22,5", "1200" (no grouping: it is typed over)."""
    return french.format_number(value, grouping=False)


def parse_number(raw, kind, *, vi=None):
    """(Decimal, None) or (None, French error)."""
    text = re.sub(r"[\s\u00a0\u202f]", "", raw).replace(",", ".")
    if kind == Kind.PERCENTAGE:
        text = text.removesuffix("%")
    # An integer field does not suggest « 12,5 », which it then refuses.
    example = "12" if kind == Kind.INTEGER else "12 ou 12,5"
    if not PLAIN_NUMBER.match(text):  # also "NaN", "1e400"
        return None, f"Saisissez un nombre (par exemple {example})."
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None, f"Saisissez un nombre (par exemple {example})."
    if abs(number) > MAX_NUMBER:
        # Larger than the database column holds: said plainly, never a database error.
        return None, (
            f"Ce nombre est trop grand : saisissez au plus "
            f"{french.format_number(MAX_NUMBER)} (14 chiffres)."
        )
    if number < 0:
        return None, "Le nombre ne peut pas être négatif."
    if kind == Kind.INTEGER and number != number.to_integral_value():
        return None, "Saisissez un nombre entier, sans décimale."
    if kind == Kind.PERCENTAGE and number > 100:
        return None, "Un pourcentage ne peut pas dépasser 100."
    if number.as_tuple().exponent < -2:
        return None, "Saisissez au plus deux décimales."
    if vi is not None:
        # A message is read, not typed over: grouped digits and the unit (« 10 000 k€ »).
        unit = getattr(vi, "unit", "") or ""
        if kind == Kind.PERCENTAGE and not unit:
            unit = "%"
        suffix = f"\u00a0{unit}" if unit else ""
        if vi.min_value is not None and number < vi.min_value:
            return (
                None,
                f"La valeur doit être au moins {french.format_number(vi.min_value)}{suffix}.",
            )
        if vi.max_value is not None and number > vi.max_value:
            return (
                None,
                f"La valeur doit être au plus {french.format_number(vi.max_value)}{suffix}.",
            )
    return number, None


@dataclass
class FieldResult:
    value: AnswerValue
    error: str = ""
    warning: str = ""
    part_errors: dict = field(default_factory=dict)


def breakdown_dimensions(vi, themes, publics):
    """[(dimension, label, [(slug, label), ...])] the indicator is broken down by."""
    dims = []
    if vi.breaks_down_themes:
        dims.append(("themes", "champ d'action", [(t.slug, t.short_label) for t in themes]))
    if vi.breaks_down_publics:
        dims.append(("publics", "public cible", [(p.slug, p.label) for p in publics]))
    return dims


def read_field(vi, data, themes, publics):
    """Read one question from POST data."""
    code = vi.code
    raw = (data.get(f"v-{code}") or "").strip()
    value = AnswerValue(confirmed_prefill=data.get(f"p-{code}") == "on")
    result = FieldResult(value)
    if vi.kind in (Kind.INTEGER, Kind.DECIMAL, Kind.PERCENTAGE):
        if raw:
            value.number, result.error = parse_number(raw, vi.kind, vi=vi)
    elif vi.kind == Kind.YES_NO:
        if raw and raw not in (YES, NO):
            result.error = "Répondez par oui ou par non."
        value.text = raw if raw in (YES, NO) else ""
    elif vi.kind == Kind.CHOICE:
        if raw and raw not in vi.choice_list:
            result.error = "Choisissez une valeur de la liste."
        value.text = raw if raw in vi.choice_list else ""
    else:
        if len(raw) > TEXT_MAX_LENGTH:
            result.error = f"{TEXT_MAX_LENGTH} caractères au plus."
        value.text = raw[:TEXT_MAX_LENGTH]
    if result.error:
        return result
    for dimension, _, items in breakdown_dimensions(vi, themes, publics):
        parts = {}
        for slug, _ in items:
            part_raw = (data.get(f"b-{code}-{dimension}-{slug}") or "").strip()
            if not part_raw:
                continue
            number, error = parse_number(part_raw, vi.kind)
            if error:
                result.part_errors[f"{dimension}-{slug}"] = error
            else:
                parts[slug] = str(number)
        if parts:
            value.breakdown[dimension] = parts
    if result.part_errors:
        result.error = "Corrigez la ventilation : " + " ".join(
            sorted(set(result.part_errors.values()))
        )
        return result
    result.warning = breakdown_warning(value.number, value.breakdown)
    value.confirmed_breakdown = bool(result.warning) and data.get(f"c-{code}") == "on"
    return result


def breakdown_warning(number, breakdown):
    """The warning for a breakdown whose parts do not add up to the total ("" if they do)."""
    labels = {"themes": "champ d'action", "publics": "public cible"}
    mismatches = []
    for dimension, label in labels.items():
        parts = (breakdown or {}).get(dimension) or {}
        if not parts:
            continue
        total = sum(Decimal(str(v)) for v in parts.values())
        if number is None or total != number:
            mismatches.append(
                f"la ventilation par {label} fait {french.format_number(total)} "
                f"alors que le total est {french.format_number(number) or 'vide'}"
            )
    if not mismatches:
        return ""
    return (
        "Attention : "
        + " ; ".join(mismatches)
        + ". Corrigez, ou cochez « Je confirme ces chiffres » avant de transmettre."
    )


def read_step(indicators, data, themes, publics):
    """({indicator id: AnswerValue}, {indicator id: revision}, {code: FieldResult} with errors).

    Warnings are not problems: the value is saved, with its confirmation state."""
    values, revisions, problems = {}, {}, {}
    for vi in indicators:
        result = read_field(vi, data, themes, publics)
        if result.error:
            problems[vi.code] = result
            continue
        value = result.value
        value.untouched = data.get(f"o-{vi.code}") == value_digest(
            value.number, value.text, value.breakdown
        )
        values[vi.indicator_id] = value
        try:
            revisions[vi.indicator_id] = int(data.get(f"r-{vi.code}") or 0)
        except ValueError:
            revisions[vi.indicator_id] = -1  # forged: treated as a conflict, never as a match
    return values, revisions, problems


class ExtendForm(forms.Form):
    cite = forms.SlugField(widget=forms.HiddenInput)
    until = forms.DateField(
        label="Nouvelle échéance",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Saisissez une date valide.", "required": "Indiquez une date."},
    )


class IndicatorAdminForm(WagtailAdminModelForm):
    """The référentiel's edit form. Once a frozen version or an answer uses an indicator, its code
    is the key of published series (exports, API, past quarters): the field is shown disabled, so
    a posted value is ignored, and says why."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "position" in self.fields:
            self.fields[
                "position"
            ].help_text = "Rang de la question dans son enjeu : 0 d'abord, puis 1, 2…"
        if "aggregation" in self.fields:
            self.fields["aggregation"].help_text = (
                "Laissée sur « Total », la consolidation d’un pourcentage se fait par la médiane "
                "et celle d’une question oui / non par le nombre de « oui »."
            )
        if "code" in self.fields and self.instance.pk and self.instance.code_in_use():
            field = self.fields["code"]
            field.disabled = True
            field.help_text = (
                "Ce code identifie déjà des séries (questionnaire figé ou réponses) : il ne peut "
                "plus changer. Pour une autre question, créez un nouvel indicateur."
            )

    def clean(self):
        """A new indicator's consolidation left on its default (« Total ») follows the kind: a
        percentage is consolidated by its median, a yes / no question by its « oui » answers,
        instead of refusing the default the form itself offered."""
        data = super().clean()
        kind = data.get("kind")
        if "aggregation" in self.fields and "aggregation" not in self.changed_data:
            if kind == Kind.PERCENTAGE and data.get("aggregation") == Aggregation.SUM:
                data["aggregation"] = Aggregation.MEDIAN
            elif kind == Kind.YES_NO:
                data["aggregation"] = Aggregation.YES_COUNT
        return data

    def clean_code(self):
        code = self.cleaned_data.get("code")
        if (
            code
            and not self.fields["code"].disabled
            and Indicator.objects.filter(code=code).exclude(pk=self.instance.pk).exists()
        ):
            raise forms.ValidationError(
                "Un indicateur porte déjà ce code : choisissez-en un autre."
            )
        return code
