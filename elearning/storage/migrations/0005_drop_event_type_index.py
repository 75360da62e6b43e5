from tortoise import migrations
from tortoise.migrations import operations as ops

class Migration(migrations.Migration):
    dependencies = [('storage', '0004_analytics_indexes')]

    initial = False

    operations = [
        ops.RemoveIndex(
            model_name='Event',
            name=None,
            fields=['course_hash', 'type', 'scene'],
        ),
    ]
