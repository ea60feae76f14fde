"""Wall-clock recurrence in Europe/Paris.

A slot is computed from its *local* date and time, then given the Paris zone: a series at 10:00
stays at 10:00 across daylight-saving changes. Adding 21 × 24 h to a UTC datetime would drift by
an hour twice a year.
"""

import datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def occurrence_start(first_date, local_time, interval_weeks, index):
    local_date = first_date + datetime.timedelta(weeks=interval_weeks * index)
    return datetime.datetime.combine(local_date, local_time, tzinfo=PARIS)


def first_index_not_before(first_date, local_time, interval_weeks, moment):
    """Index of the first slot starting at or after `moment` (an aware datetime)."""
    local_day = moment.astimezone(PARIS).date()
    index = max(0, (local_day - first_date).days // (7 * interval_weeks))
    while occurrence_start(first_date, local_time, interval_weeks, index) < moment:
        index += 1
    return index
