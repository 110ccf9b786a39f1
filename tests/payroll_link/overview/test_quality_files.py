"""Serving a quality run's files: inside the Data Docs root only."""

from __future__ import annotations

import os

from payroll_link.overview.quality_files import run_id_or_none, site_file


def make_site(root):
    site = root / "bakkerij" / "2026-10" / "run1"
    (site / "gx").mkdir(parents=True)
    (site / "index.html").write_text("ours")
    shared = root / "_static" / "gx-1.24.1"
    (shared / "images").mkdir(parents=True)
    (shared / "images" / "favicon.ico").write_bytes(b"ico")
    os.symlink(os.path.relpath(shared, site / "gx"), site / "gx" / "static")
    return site


def test_site_file_serves_the_page_and_shared_static_files(tmp_path):
    site = make_site(tmp_path)
    page = str(site / "index.html")
    assert site_file(tmp_path, page, "") == (site / "index.html").resolve()
    assert site_file(tmp_path, page, "gx/static/images/favicon.ico").read_bytes() == b"ico"


def test_site_file_refuses_paths_leaving_the_docs_root(tmp_path):
    site = make_site(tmp_path / "docs")
    (tmp_path / "secret.txt").write_text("no")
    page = str(site / "index.html")
    assert site_file(tmp_path / "docs", page, "../../../../secret.txt") is None
    assert site_file(tmp_path / "docs", page, str(tmp_path / "secret.txt")) is None
    assert site_file(tmp_path / "docs", str(tmp_path / "index.html"), "secret.txt") is None


def test_site_file_is_none_for_a_pruned_site_or_no_page(tmp_path):
    assert site_file(tmp_path, str(tmp_path / "gone" / "2026-10" / "r" / "index.html"), "") \
        is None
    assert site_file(tmp_path, None, "") is None


def test_run_id_must_be_a_uuid():
    assert run_id_or_none("0F8FAD5B-D9CB-469F-A165-70867728950E") == \
        "0f8fad5b-d9cb-469f-a165-70867728950e"
    assert run_id_or_none("../x") is None
