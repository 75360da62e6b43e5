from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('storage', '0011_open_answer')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CourseEvaluation',
            fields=[
                ('id', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=32)),
                ('course_id', fields.CharField(max_length=64)),
                ('course_hash', fields.CharField(max_length=80)),
                ('month', fields.CharField(max_length=7)),
                ('useful', fields.SmallIntField(null=True)),
                ('clear', fields.SmallIntField(null=True)),
                ('study_time', fields.SmallIntField(null=True)),
                ('recommend', fields.SmallIntField(null=True)),
                ('comment', fields.TextField(default='', unique=False)),
            ],
            options={'table': 'course_evaluation', 'app': 'storage', 'indexes': [Index(fields=['course_id', 'month'])], 'pk_attr': 'id', 'table_description': "One learner's answers to the optional evaluation after passing a course."},
            bases=['Model'],
        ),
    ]
