"""Business-time maths: weekends, lunch, Spanish holidays, Holiday rows, DST, other zones."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from ventanilla.tickets.businesstime import (
    business_add,
    business_minutes_between,
    easter_sunday,
    make_calendar,
    parse_week,
    spanish_holidays,
)

MADRID = ZoneInfo("Europe/Madrid")
WORKDAY = [["09:00", "14:00"], ["15:00", "18:00"]]
SPAIN = make_calendar(
    time_zone="Europe/Madrid", hours={str(d): WORKDAY for d in range(1, 6)}, spanish=True
)


def madrid(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=MADRID)


@pytest.mark.parametrize(
    ("year", "easter"),
    [
        (2000, date(2000, 4, 23)),
        (2008, date(2008, 3, 23)),  # early
        (2011, date(2011, 4, 24)),  # late
        (2024, date(2024, 3, 31)),
        (2025, date(2025, 4, 20)),
        (2026, date(2026, 4, 5)),
        (2027, date(2027, 3, 28)),
        (2038, date(2038, 4, 25)),
        (2285, date(2285, 3, 22)),  # the earliest possible date
    ],
)
def test_easter_by_the_anonymous_gregorian_algorithm(year, easter):
    assert easter_sunday(year) == easter
    assert easter.weekday() == 6


def test_spanish_national_holidays_include_good_friday():
    days = spanish_holidays(2026)
    assert date(2026, 4, 3) in days  # Viernes Santo
    assert date(2026, 4, 6) not in days  # Easter Monday is regional only
    expected_fixed = {
        (1, 1),
        (1, 6),
        (5, 1),
        (8, 15),
        (10, 12),
        (11, 1),
        (12, 6),
        (12, 8),
        (12, 25),
    }
    assert {(d.month, d.day) for d in days} - {(4, 3)} == expected_fixed
    assert len(days) == 10


def test_inside_one_interval():
    assert business_add(madrid(2026, 11, 24, 10, 0), 30, SPAIN) == madrid(2026, 11, 24, 10, 30)


def test_the_lunch_gap_is_skipped_and_an_exact_end_stays_at_closing():
    start = madrid(2026, 11, 24, 13, 30)
    assert business_add(start, 30, SPAIN) == madrid(2026, 11, 24, 14, 0)
    assert business_add(start, 31, SPAIN) == madrid(2026, 11, 24, 15, 1)
    assert business_minutes_between(start, madrid(2026, 11, 24, 15, 30), SPAIN) == 60


def test_a_mail_at_night_or_at_the_weekend_starts_the_clock_at_the_next_opening():
    friday_night = madrid(2026, 11, 27, 22, 15)
    assert business_add(friday_night, 0, SPAIN) == madrid(2026, 11, 30, 9, 0)
    assert business_add(friday_night, 30, SPAIN) == madrid(2026, 11, 30, 9, 30)
    saturday = madrid(2026, 11, 28, 11, 0)
    assert business_add(saturday, 240, SPAIN) == madrid(2026, 11, 30, 13, 0)
    assert business_minutes_between(friday_night, madrid(2026, 11, 30, 9, 0), SPAIN) == 0


def test_across_a_weekend():
    # Friday 17:00 + 2 h: one hour on Friday, one on Monday.
    assert business_add(madrid(2026, 11, 27, 17, 0), 120, SPAIN) == madrid(2026, 11, 30, 10, 0)


def test_spanish_holidays_are_closed_days():
    # Thursday 2 April 2026 17:00 + 2 h: Good Friday and the weekend are closed.
    assert business_add(madrid(2026, 4, 2, 17, 0), 120, SPAIN) == madrid(2026, 4, 6, 10, 0)
    # 8 December 2026 is a Tuesday (Inmaculada); 7 December a normal Monday.
    assert business_add(madrid(2026, 12, 7, 17, 30), 60, SPAIN) == madrid(2026, 12, 9, 9, 30)
    without = make_calendar(
        time_zone="Europe/Madrid", hours={str(d): WORKDAY for d in range(1, 6)}, spanish=False
    )
    assert business_add(madrid(2026, 12, 7, 17, 30), 60, without) == madrid(2026, 12, 8, 9, 30)


def test_holiday_rows_of_the_calendar_are_closed():
    local = make_calendar(
        time_zone="Europe/Madrid",
        hours={str(d): WORKDAY for d in range(1, 6)},
        holidays=[date(2026, 11, 25)],  # a local holiday on a Wednesday
    )
    assert business_add(madrid(2026, 11, 24, 17, 0), 120, local) == madrid(2026, 11, 26, 10, 0)
    assert business_add(madrid(2026, 11, 24, 17, 0), 120, SPAIN) == madrid(2026, 11, 25, 10, 0)


def test_dst_spring_forward_last_sunday_of_march():
    # Friday 27 March 2026 17:00 CET (UTC+1); Monday 30 March is CEST (UTC+2).
    start = madrid(2026, 3, 27, 17, 0)
    due = business_add(start, 240, SPAIN)
    assert due == madrid(2026, 3, 30, 12, 0)
    assert due.astimezone(UTC) == datetime(2026, 3, 30, 10, 0, tzinfo=UTC)
    assert business_minutes_between(start, due, SPAIN) == 240


def test_dst_fall_back_last_sunday_of_october():
    # Friday 23 October 2026 17:00 CEST (UTC+2); Monday 26 October is CET (UTC+1).
    start = madrid(2026, 10, 23, 17, 0)
    due = business_add(start, 120, SPAIN)
    assert due.astimezone(UTC) == datetime(2026, 10, 26, 9, 0, tzinfo=UTC)  # 10:00 CET
    assert business_minutes_between(start, due, SPAIN) == 120


def test_a_round_the_clock_calendar_counts_real_minutes_across_dst():
    always = make_calendar(
        time_zone="Europe/Madrid",
        hours={str(d): [["00:00", "24:00"]] for d in range(1, 8)},
        spanish=False,
    )
    start = datetime(2026, 3, 28, 12, 0, tzinfo=UTC)
    # The night of 28–29 March has 23 local hours, but a day later is 24 real hours later.
    assert business_add(start, 24 * 60, always) == datetime(2026, 3, 29, 12, 0, tzinfo=UTC)
    fall = datetime(2026, 10, 24, 12, 0, tzinfo=UTC)
    assert business_minutes_between(fall, fall + timedelta(days=1), always) == 24 * 60


def test_a_calendar_in_another_time_zone():
    mexico = make_calendar(
        time_zone="America/Mexico_City",
        hours={str(d): [["09:00", "18:00"]] for d in range(1, 6)},
        spanish=False,
    )
    # 16:00 UTC Tuesday is 10:00 in Mexico City (UTC-6): 8 h to closing, then 9:30 Wednesday.
    start = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)
    assert business_add(start, 510, mexico) == datetime(2026, 11, 25, 15, 30, tzinfo=UTC)
    # Good Friday is no holiday there (spanish=False): Friday 3 April 2026 is worked.
    thursday = datetime(2026, 4, 2, 23, 0, tzinfo=UTC)  # 17:00 local
    assert business_add(thursday, 120, mexico) == datetime(2026, 4, 3, 16, 0, tzinfo=UTC)


def test_minutes_between_is_signed():
    a, b = madrid(2026, 11, 24, 9, 0), madrid(2026, 11, 25, 10, 0)
    assert business_minutes_between(a, b, SPAIN) == 9 * 60
    assert business_minutes_between(b, a, SPAIN) == -9 * 60


def test_add_and_between_agree_on_random_starts():
    rng = random.Random(20261124)
    for _ in range(300):
        start = madrid(2026, 1, 1) + timedelta(minutes=rng.randrange(0, 365 * 24 * 60))
        minutes = rng.randrange(1, 5000)
        due = business_add(start, minutes, SPAIN)
        assert business_minutes_between(start, due, SPAIN) == pytest.approx(minutes)
        local = due.astimezone(MADRID)
        assert local.weekday() < 5
        assert local.date() not in spanish_holidays(local.year)


def test_naive_datetimes_and_empty_calendars_are_refused():
    with pytest.raises(ValueError, match="aware"):
        business_add(datetime(2026, 11, 24, 10, 0), 10, SPAIN)
    closed = make_calendar(time_zone="Europe/Madrid", hours={})
    with pytest.raises(ValueError, match="no opening hours"):
        business_add(madrid(2026, 11, 24, 10, 0), 10, closed)


def test_malformed_hours_are_skipped_not_raised():
    week = parse_week({"1": [["09:00", "14:00"], ["18:00", "15:00"], ["x", "y"]], "9": [], "a": 1})
    assert week[0] == ((540, 840),)
    assert all(day == () for day in week[1:])
    assert make_calendar(time_zone="Mars/Olympus", hours={}).tz == ZoneInfo("Europe/Madrid")


def _walk_every_day(a: datetime, b: datetime) -> float:
    """The plain definition: clip every opening interval of every day to [a, b]."""
    from ventanilla.tickets.businesstime import day_intervals

    total = timedelta()
    day = a.astimezone(MADRID).date() - timedelta(days=1)
    while day <= b.astimezone(MADRID).date():
        for opens, closes in day_intervals(SPAIN, day):
            low, high = max(opens, a), min(closes, b)
            if high > low:
                total += high - low
        day += timedelta(days=1)
    return total.total_seconds() / 60


def test_long_spans_use_prefix_sums_and_agree_with_walking_every_day():
    from ventanilla.tickets.businesstime import business_minutes_between

    rng = random.Random(7)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    for _ in range(300):
        a = start + timedelta(minutes=rng.randint(0, 3 * 365 * 24 * 60))
        b = a + timedelta(minutes=rng.randint(0, 800 * 24 * 60))
        expected = _walk_every_day(a, b)
        assert business_minutes_between(a, b, SPAIN) == pytest.approx(expected)
        assert business_minutes_between(b, a, SPAIN) == pytest.approx(-expected)
    # A whole non-leap year with every weekday open 8 h, less the national holidays on
    # weekdays: 2025 has 261 weekdays and 7 national holidays on weekdays (1 and 6 Jan,
    # Good Friday 18 Apr, 1 May, 15 Aug, 8 and 25 Dec; 12 Oct, 1 Nov and 6 Dec fall at weekends).
    year = business_minutes_between(madrid(2025, 1, 1), madrid(2026, 1, 1), SPAIN)
    assert year == (261 - 7) * 8 * 60
