"""`inspector site export DIR`: the static verify page with this deployment's trust file and status list."""

from __future__ import annotations

import html
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from inspector.errors import BadInput
from inspector.services.context import ServiceContext
from inspector.services.deployment import DeploymentKeys
from inspector.services.status import export_status

PAGE_FILES = ("index.html", "verify.js")
# Static hosts (GitHub Pages, Netlify, GitLab Pages, most nginx set-ups) answer an unknown path with
# 404.html: the page itself, so a GS1 Digital Link such as /01/<GTIN>/21/<serial>#<payload> shows the
# verdict too. The page loads its script from the site's root path, whatever path it was opened at.
NOT_FOUND_PAGE = "404.html"


def site_root(verify_url: str) -> str:
    """The path the site is served under, from the verify address: '/' or e.g. '/verify/'."""
    path = urlsplit(verify_url.strip()).path or "/"
    return path if path.endswith("/") else path + "/"


def export_site(ctx: ServiceContext, folder: Path) -> list[Path]:
    """Write the page, trust.json and a freshly signed status.json into `folder`; any static host serves it.

    Nothing in it is fetched from elsewhere: the page loads only its own files, and the payload to
    check comes from the URL fragment, which the browser never sends to the host.
    """
    trust = DeploymentKeys(ctx).trust_file()
    status, _voids = export_status(ctx)
    files = {
        name: resources.files("inspector.verify_site").joinpath(name).read_bytes() for name in PAGE_FILES
    }
    root = html.escape(site_root(ctx.settings.verify_url)).encode("utf-8")
    files["index.html"] = files["index.html"].replace(b"{{SITE_ROOT}}", root)
    files[NOT_FOUND_PAGE] = files["index.html"]
    files["trust.json"] = trust
    files["status.json"] = status
    written = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            path = folder / name
            path.write_bytes(data)
            written.append(path)
    except OSError as exc:
        raise BadInput(f"The folder {folder} cannot be written ({exc.strerror}).") from exc
    return written
