"""The word list of "Did you mean" (questions.searchwords), filled from the threads."""

import django.contrib.postgres.fields
import django.contrib.postgres.indexes
from django.db import migrations, models

BATCH = 2000


def count_words(apps, schema_editor):
    # The same upkeep that threads_changed runs, over every thread, a batch at a time
    # (about 0.1 ms a thread: 10-20 s for 100,000).
    from questions.searchwords import search_words_update

    Question = apps.get_model("questions", "Question")
    ids = list(Question.objects.filter(is_published=True).order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        search_words_update(question_ids=ids[start : start + BATCH])


class Migration(migrations.Migration):
    dependencies = [
        ("questions", "0010_captured_at"),
    ]

    operations = [
        migrations.CreateModel(
            name="ThreadWords",
            fields=[
                ("question_id", models.BigIntegerField(primary_key=True, serialize=False)),
                (
                    "words",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(max_length=30), size=None
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "thread words",
            },
        ),
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                ("word", models.CharField(max_length=30, primary_key=True, serialize=False)),
                ("threads", models.IntegerField()),
                (
                    "variants",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(max_length=30), size=None
                    ),
                ),
            ],
            options={
                "indexes": [
                    django.contrib.postgres.indexes.GinIndex(
                        fields=["variants"], name="search_word_variants"
                    )
                ],
            },
        ),
        migrations.RunPython(count_words, migrations.RunPython.noop, elidable=True),
    ]
