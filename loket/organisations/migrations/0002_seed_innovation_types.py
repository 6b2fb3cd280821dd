from django.db import migrations

CODES = [
    "profit_model", "network", "structure", "process", "product_performance",
    "product_system", "service", "channel", "brand", "customer_engagement",
]


def seed(apps, schema_editor):
    InnovationType = apps.get_model("organisations", "InnovationType")
    for position, code in enumerate(CODES):
        InnovationType.objects.update_or_create(code=code, defaults={"position": position})


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
