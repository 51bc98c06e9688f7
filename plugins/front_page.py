"""The corpus at a glance on Datasette's front page (templates/index.html shows it)."""
from datasette import hookimpl

from quotes.routes import front_page_vars


@hookimpl
def extra_template_vars(view_name, request, datasette):
    if view_name != "index":
        return {}

    async def inner():
        return await front_page_vars(datasette, request)

    return inner
