"""Indexes for the studio analytics (elearning/storage/analytics.py); written by hand.

Three partial indexes on the event table, one per group of event types the analytics read, so
that every analytics query reads a small index and never the event rows with their JSON
payload. Each event goes into at most one of them. Raw SQL because a model index cannot be
partial; the same statements run on SQLite and PostgreSQL. The models do not know these
indexes, so `tortoise makemigrations` neither adds nor drops them.

`IF NOT EXISTS` lets an operator build them beforehand with CREATE INDEX CONCURRENTLY
(docs/operations.md, "Upgrading"); this migration then only records itself.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

INDEXES = {
    # the funnel: distinct attempts per scene, counted in index order
    "event_entered": "event (course_hash, scene, attempt_id) WHERE type = 'scene_entered'",
    # the choice counts; attempt_id for the attempts that started in a chosen period
    "event_choice": (
        "event (course_hash, scene, type, choice, attempt_id)"
        " WHERE type IN ('choice_made', 'location_chosen', 'question_answered')"
    ),
    # questions and notebook entries: grouped per attempt and module, every column they read
    "event_outcome": (
        "event (course_hash, attempt_id, module, type, scene, seq, points, correct, entry)"
        " WHERE type IN ('module_finished', 'notebook_entry_added', 'question_answered')"
    ),
}


class Migration(migrations.Migration):
    dependencies = [('storage', '0003_signup')]

    initial = False

    operations = [
        ops.RunSQL(
            [f"CREATE INDEX IF NOT EXISTS {name} ON {spec}" for name, spec in INDEXES.items()],
            reverse_sql=[f"DROP INDEX IF EXISTS {name}" for name in INDEXES],
        ),
    ]
