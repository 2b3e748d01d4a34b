from django.db import migrations

from clusterlink.directory.taxonomy import CATEGORIES, CERTIFICATIONS, PROCESSES


def seed(apps, schema_editor):
    Category = apps.get_model("directory", "Category")
    Process = apps.get_model("directory", "Process")
    Certification = apps.get_model("directory", "Certification")
    for position, (code, trade, (zh, en, ja)) in enumerate(CATEGORIES):
        Category.objects.update_or_create(code=code, defaults=dict(trade=trade, position=position, name_zh=zh, name_en=en, name_ja=ja))
    for position, (code, trade, (zh, en, ja)) in enumerate(PROCESSES):
        Process.objects.update_or_create(code=code, defaults=dict(trade=trade, position=position, name_zh=zh, name_en=en, name_ja=ja))
    for code, (zh, en, ja) in CERTIFICATIONS:
        Certification.objects.update_or_create(code=code, defaults=dict(name_zh=zh, name_en=en, name_ja=ja))


def unseed(apps, schema_editor):
    apps.get_model("directory", "Category").objects.filter(code__in=[c[0] for c in CATEGORIES]).delete()
    apps.get_model("directory", "Process").objects.filter(code__in=[p[0] for p in PROCESSES]).delete()
    apps.get_model("directory", "Certification").objects.filter(code__in=[c[0] for c in CERTIFICATIONS]).delete()


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
