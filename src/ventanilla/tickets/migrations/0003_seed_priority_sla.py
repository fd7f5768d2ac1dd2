"""Seed the default urgency × impact matrix, SLA targets and the Spanish business calendar.

All three are rows, so an administrator can change them in the admin afterwards.
"""

from django.db import migrations

# (urgency, impact) -> priority, the usual ITIL 3 × 3 grid folded onto P1–P4.
MATRIX = {
    ("high", "high"): 1,
    ("high", "medium"): 2,
    ("high", "low"): 3,
    ("medium", "high"): 2,
    ("medium", "medium"): 3,
    ("medium", "low"): 4,
    ("low", "high"): 3,
    ("low", "medium"): 4,
    ("low", "low"): 4,
}
# priority -> (first response, resolution) in business minutes (a business day is 8 h).
SLA = {1: (30, 240), 2: (60, 480), 3: (240, 1440), 4: (480, 2400)}
WORKDAY = [["09:00", "14:00"], ["15:00", "18:00"]]


def seed(apps, schema_editor):
    PriorityCell = apps.get_model("tickets", "PriorityCell")
    SlaPolicy = apps.get_model("tickets", "SlaPolicy")
    BusinessCalendar = apps.get_model("tickets", "BusinessCalendar")
    for (urgency, impact), priority in MATRIX.items():
        PriorityCell.objects.get_or_create(
            urgency=urgency, impact=impact, defaults={"priority": priority}
        )
    calendar, _ = BusinessCalendar.objects.get_or_create(
        name="España (L–V 9–14, 15–18)",
        defaults={
            "time_zone": "Europe/Madrid",
            "hours": {str(day): WORKDAY for day in range(1, 6)},
            "spanish_holidays": True,
            "is_default": True,
        },
    )
    for priority, (first, resolution) in SLA.items():
        SlaPolicy.objects.get_or_create(
            priority=priority,
            defaults={
                "first_response_minutes": first,
                "resolution_minutes": resolution,
                "calendar": calendar,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("tickets", "0002_workspace")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
