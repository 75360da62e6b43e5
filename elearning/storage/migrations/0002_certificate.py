from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('storage', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Certificate',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=14)),
                ('user', fields.ForeignKeyField('storage.User', source_field='user_id', db_constraint=True, to_field='id', related_name='certificates', on_delete=OnDelete.CASCADE)),
                ('attempt', fields.ForeignKeyField('storage.Attempt', source_field='attempt_id', db_constraint=True, to_field='id', related_name='certificates', on_delete=OnDelete.CASCADE)),
                ('revision', fields.IntField(default=1)),
                ('course_id', fields.CharField(max_length=64)),
                ('course_hash', fields.CharField(max_length=80)),
                ('template', fields.CharField(max_length=64)),
                ('completed_on', fields.DateField()),
                ('status', fields.CharField(default='valid', max_length=16)),
                ('superseded_by', fields.ForeignKeyField('storage.Certificate', source_field='superseded_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('revoked_reason', fields.TextField(null=True, unique=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('issued_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('data', fields.TextField(unique=False)),
                ('pdf', fields.BinaryField(null=True)),
            ],
            options={'table': 'certificate', 'app': 'storage', 'unique_together': (('attempt_id', 'revision'),), 'indexes': [Index(fields=['course_id', 'completed_on']), Index(fields=['user_id', 'issued_at'])], 'pk_attr': 'id', 'table_description': 'An issued certificate: a frozen snapshot of what it certifies (`data`) and its PDF once rendered.'},
            bases=['Model'],
        ),
    ]
