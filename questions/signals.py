"""The one signal the site's readers listen to: "these threads changed".

Sent only by questions.services.threads_changed, after every write that can change what a
public page shows (an import batch, an admin save or delete, an action, a merge, a
re-tag). Caches of pages and their parts hang their invalidation on it.
"""

from django.dispatch import Signal

# Sent with question_ids: the list of affected thread ids.
threads_changed = Signal()
