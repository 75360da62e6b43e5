from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('storage', '0006_user_session')]

    initial = False

    operations = [
        ops.CreateModel(
            name='PeRegistration',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('certificate', fields.OneToOneField('storage.Certificate', source_field='certificate_id', db_constraint=True, to_field='id', related_name='pe_registration', on_delete=OnDelete.CASCADE)),
                ('status', fields.CharField(default='pending', max_length=16)),
                ('registration_number', fields.CharField(max_length=32)),
                ('activity_id', fields.CharField(max_length=300)),
                ('completed_on', fields.DateField()),
                ('attempts', fields.IntField(default=0)),
                ('next_try_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('last_error', fields.TextField(null=True, unique=False)),
                ('register_reason', fields.TextField(null=True, unique=False)),
                ('accepted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('batch_id', fields.CharField(null=True, max_length=32)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'pe_registration', 'app': 'storage', 'indexes': [Index(fields=['status', 'next_try_at'])], 'pk_attr': 'id', 'table_description': "One certificate's attendance in PE-online's register: the outbox of the push."},
            bases=['Model'],
        ),
    ]
