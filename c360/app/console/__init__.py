"""The hub's own web pages: GraphiQL and the clerk's console, served with every asset they load.

Both pages hold no data and no secret: they run in the browser and talk to ``/graphql`` with the
key the person enters, so they obey scopes, masking and audit like any channel. Every script,
style sheet and font they use is shipped in ``static/`` (third-party libraries pinned under
``static/vendor/``, see ``scripts/vendor_web_assets.py``): nothing is fetched from outside.
"""

from c360.app.console.pages import STATIC_DIR, console_page, graphiql_page, web_routes

__all__ = ["STATIC_DIR", "console_page", "graphiql_page", "web_routes"]
