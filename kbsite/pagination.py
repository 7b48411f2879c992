"""Pagination shared by every list page of the site (threads, tags, doctors)."""

from django.core.paginator import InvalidPage, Paginator
from django.http import Http404
from django.utils.functional import cached_property

PER_PAGE = 20
# A last page of three rows or fewer joins the page before it.
ORPHANS = 3


class CountedPaginator(Paginator):
    """A Paginator told its count, when a query that was needed anyway has computed it."""

    def __init__(self, object_list, per_page, *, count, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._known_count = count

    @cached_property
    def count(self):
        return self._known_count


def paginate(request, queryset, *, per_page=PER_PAGE, count=None):
    """The requested page of `queryset`; 404 for a page that is not a number or is empty.

    Pass `count` when it is already known, to save the COUNT query.
    """
    if count is None:
        paginator = Paginator(queryset, per_page, orphans=ORPHANS)
    else:
        paginator = CountedPaginator(queryset, per_page, orphans=ORPHANS, count=count)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except InvalidPage as exc:
        raise Http404(f"No such page: {exc}") from exc
    page.elided_range = list(
        paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    )
    return page
