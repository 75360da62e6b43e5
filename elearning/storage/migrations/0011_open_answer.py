from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

# A partial index for the analytics of open answers (elearning/storage/analytics.py), written by
# hand like those of 0004_analytics_indexes: the counts per scene read it, never the event rows.
INDEXES = {
    "event_open": (
        "event (course_hash, scene, type, choice, attempt_id)"
        " WHERE type IN ('open_answer_submitted', 'open_answer_resubmitted', 'open_answer_reviewed')"
    ),
}


class Migration(migrations.Migration):
    dependencies = [('storage', '0010_credentials')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CourseReviewer',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('storage.User', source_field='user_id', db_constraint=True, to_field='id', related_name='review_courses', on_delete=OnDelete.CASCADE)),
                ('course_id', fields.CharField(max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'course_reviewer', 'app': 'storage', 'unique_together': (('user_id', 'course_id'),), 'pk_attr': 'id', 'table_description': 'An account that reviews the open answers handed in for review in one course.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OpenAnswer',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('attempt', fields.ForeignKeyField('storage.Attempt', source_field='attempt_id', db_constraint=True, to_field='id', related_name='open_answers', on_delete=OnDelete.CASCADE)),
                ('course_id', fields.CharField(max_length=64)),
                ('scene', fields.CharField(max_length=64)),
                ('text', fields.TextField(unique=False)),
                ('status', fields.CharField(default='draft', max_length=16)),
                ('review', fields.BooleanField(default=False)),
                ('comment', fields.TextField(default='', unique=False)),
                ('reviewer', fields.ForeignKeyField('storage.User', source_field='reviewer_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('submitted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('reviewed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'open_answer', 'app': 'storage', 'unique_together': (('attempt_id', 'scene'),), 'indexes': [Index(fields=['course_id', 'status'])], 'pk_attr': 'id', 'table_description': 'What a learner wrote on an open scene of an attempt: plain text, exactly as typed.'},
            bases=['Model'],
        ),
        ops.RunSQL(
            [f"CREATE INDEX IF NOT EXISTS {name} ON {spec}" for name, spec in INDEXES.items()],
            reverse_sql=[f"DROP INDEX IF EXISTS {name}" for name in INDEXES],
        ),
    ]
