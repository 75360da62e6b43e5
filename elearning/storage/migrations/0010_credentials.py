from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('storage', '0009_accreditation')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CredentialKey',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('public_key', fields.CharField(unique=True, max_length=64)),
                ('private_key', fields.TextField(unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('retired_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'credential_key', 'app': 'storage', 'pk_attr': 'id', 'table_description': 'An Ed25519 key the site signs its certificates\' credentials with (storage/credential_keys.py).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CertificateCredential',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('certificate', fields.OneToOneField('storage.Certificate', source_field='certificate_id', db_constraint=True, to_field='id', related_name='credential', on_delete=OnDelete.CASCADE)),
                ('credential', fields.TextField(unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'certificate_credential', 'app': 'storage', 'pk_attr': 'id', 'table_description': 'The signed Open Badges credential of a certificate: made once (with the PDF), then kept, so'},
            bases=['Model'],
        ),
    ]
