"""The Curators group: staff who keep the knowledge base right, and nothing more.

They change threads, answers, doctors and the two tag vocabularies (merging doctors or
tags deletes the merged rows, hence those delete permissions), and read the import
history. They cannot manage users or groups, delete threads or answers (they hide them),
or delete import history. `python manage.py createcurator EMAIL` adds people to it.
"""

from django.db import migrations

GROUP = "Curators"

PERMISSIONS = {
    ("questions", "question"): ["view", "change"],
    ("questions", "treatmentarea"): ["view", "add", "change", "delete"],
    ("questions", "procedure"): ["view", "add", "change", "delete"],
    ("questions", "importrun"): ["view"],
    ("questions", "importrecord"): ["view"],
    ("answers", "answer"): ["view", "change"],
    ("answers", "doctor"): ["view", "change", "delete"],
}


def create_curators(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after the whole migrate run; make sure the ones we
    # need exist now, on a fresh database too.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    wanted = [
        (app_label, f"{action}_{model}")
        for (app_label, model), actions in PERMISSIONS.items()
        for action in actions
    ]
    permissions = [
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
        for app_label, codename in wanted
    ]
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.set(permissions)


def delete_curators(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("answers", "0001_initial"),
        ("questions", "0002_seed_vocabularies"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_curators, delete_curators)]
