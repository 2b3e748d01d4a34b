from django.db import migrations, models


class Migration(migrations.Migration):
    """A session's place in the three languages, like its title (the existing place is Chinese)."""

    dependencies = [("events", "0001_initial")]

    operations = [
        migrations.RenameField(model_name="eventsession", old_name="place", new_name="place_zh"),
        migrations.AlterField(
            model_name="eventsession",
            name="place_zh",
            field=models.CharField(
                blank=True,
                help_text="Hall or room within the venue, in Simplified Chinese.",
                max_length=200,
                verbose_name="place (Chinese)",
            ),
        ),
        migrations.AddField(
            model_name="eventsession",
            name="place_en",
            field=models.CharField(
                blank=True,
                help_text="Hall or room within the venue, in English.",
                max_length=200,
                verbose_name="place (English)",
            ),
        ),
        migrations.AddField(
            model_name="eventsession",
            name="place_ja",
            field=models.CharField(
                blank=True,
                help_text="Hall or room within the venue, in Japanese.",
                max_length=200,
                verbose_name="place (Japanese)",
            ),
        ),
    ]
