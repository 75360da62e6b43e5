from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('storage', '0007_pe_registration')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AuditEntry',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('actor', fields.ForeignKeyField('storage.User', source_field='actor_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('actor_label', fields.CharField(max_length=254)),
                ('action', fields.CharField(max_length=32)),
                ('subject', fields.CharField(max_length=200)),
                ('detail', fields.TextField(default='', unique=False)),
            ],
            options={'table': 'audit_entry', 'app': 'storage', 'indexes': [Index(fields=['at'])], 'pk_attr': 'id', 'table_description': 'One thing an administrator did (or a command run by an operator): who, when, what, to what.'},
            bases=['Model'],
        ),
    ]
