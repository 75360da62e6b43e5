from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='CourseSnapshot',
            fields=[
                ('hash', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=80)),
                ('course_id', fields.CharField(max_length=64)),
                ('version', fields.CharField(max_length=64)),
                ('compiled', fields.TextField(unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'course_snapshot', 'app': 'storage', 'pk_attr': 'hash'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ThrottleHit',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('bucket', fields.CharField(max_length=128)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'throttle_hit', 'app': 'storage', 'indexes': [Index(fields=['bucket', 'created_at'])], 'pk_attr': 'id', 'table_description': "One counted try (a failed login, a reset request) under a bucket such as 'login-ip:1.2.3.4'."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='User',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('email', fields.CharField(unique=True, max_length=254)),
                ('name', fields.CharField(max_length=200)),
                ('password_hash', fields.CharField(max_length=255)),
                ('registration_number', fields.CharField(null=True, max_length=32)),
                ('role', fields.CharField(default='learner', max_length=16)),
                ('auth_epoch', fields.IntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'user_account', 'app': 'storage', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Attempt',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('storage.User', source_field='user_id', null=True, db_constraint=True, to_field='id', related_name='attempts', on_delete=OnDelete.SET_NULL)),
                ('guest_key', fields.CharField(null=True, db_index=True, max_length=64)),
                ('course_id', fields.CharField(max_length=64)),
                ('course_hash', fields.CharField(max_length=80)),
                ('state', fields.TextField(unique=False)),
                ('step', fields.IntField(default=0)),
                ('last_seq', fields.IntField(default=0)),
                ('module', fields.CharField(max_length=64)),
                ('scene', fields.CharField(max_length=64)),
                ('started_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('passed', fields.BooleanField(null=True)),
                ('score', fields.IntField(null=True)),
                ('max_score', fields.IntField(null=True)),
            ],
            options={'table': 'attempt', 'app': 'storage', 'indexes': [Index(fields=['user_id', 'course_id', 'updated_at']), Index(fields=['course_hash', 'finished_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Event',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('attempt', fields.ForeignKeyField('storage.Attempt', source_field='attempt_id', db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.CASCADE)),
                ('course_hash', fields.CharField(max_length=80)),
                ('seq', fields.IntField()),
                ('type', fields.CharField(max_length=32)),
                ('module', fields.CharField(max_length=64)),
                ('scene', fields.CharField(null=True, max_length=64)),
                ('choice', fields.CharField(null=True, max_length=200)),
                ('points', fields.IntField(null=True)),
                ('correct', fields.BooleanField(null=True)),
                ('entry', fields.CharField(null=True, max_length=64)),
                ('payload', fields.TextField(unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'event', 'app': 'storage', 'unique_together': (('attempt_id', 'seq'),), 'indexes': [Index(fields=['course_hash', 'type', 'scene'])], 'pk_attr': 'id', 'table_description': 'One learner action, append-only.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PasswordReset',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('storage.User', source_field='user_id', db_constraint=True, to_field='id', related_name='password_resets', on_delete=OnDelete.CASCADE)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'password_reset', 'app': 'storage', 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
