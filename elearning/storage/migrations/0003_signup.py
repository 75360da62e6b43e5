from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('storage', '0002_certificate')]

    initial = False

    operations = [
        ops.CreateModel(
            name='EmailConfirmation',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('purpose', fields.CharField(max_length=16)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('email', fields.CharField(max_length=254)),
                ('user', fields.ForeignKeyField('storage.User', source_field='user_id', null=True, db_constraint=True, to_field='id', related_name='email_confirmations', on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(null=True, max_length=200)),
                ('password_hash', fields.CharField(null=True, max_length=255)),
                ('registration_number', fields.CharField(null=True, max_length=32)),
                ('guest_key', fields.CharField(null=True, max_length=64)),
                ('next_url', fields.CharField(default='/', max_length=300)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'email_confirmation', 'app': 'storage', 'pk_attr': 'id', 'table_description': "A link mailed to prove an address: a new account (purpose 'register') or a new address"},
            bases=['Model'],
        ),
    ]
