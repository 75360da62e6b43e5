from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('storage', '0008_audit_entry')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Accreditation',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('course_id', fields.CharField(max_length=64)),
                ('register_name', fields.CharField(max_length=100)),
                ('activity_id', fields.CharField(max_length=100)),
                ('points', fields.FloatField()),
                ('study_load_minutes', fields.IntField()),
                ('valid_from', fields.DateField()),
                ('valid_until', fields.DateField()),
                ('versions', fields.TextField(default='', unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'accreditation', 'app': 'storage', 'unique_together': (('course_id', 'register_name', 'activity_id'),), 'indexes': [Index(fields=['course_id', 'valid_from'])], 'pk_attr': 'id', 'table_description': "A register's accreditation of a course, as the provider's administrator entered it."},
            bases=['Model'],
        ),
    ]
