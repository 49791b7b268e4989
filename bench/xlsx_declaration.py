"""Median time to write the 60-indicator declaration to XLSX (target: 150 ms a form on 2 cores)."""

from _declaration import report

from perfdesk.render.xlsx import render_xlsx
from perfdesk.catalog.form_files import install as install_catalog  # noqa: E402

install_catalog()  # what the start-up (perfdesk.cli.main) does

if __name__ == "__main__":
    report("XLSX", render_xlsx)
