"""Median time to print the 60-indicator declaration to PDF (target: 150 ms a form on 2 cores)."""

from _declaration import report

from perfdesk.render.pdf import render_pdf
from perfdesk.catalog.form_files import install as install_catalog  # noqa: E402

install_catalog()  # what the start-up (perfdesk.cli.main) does

if __name__ == "__main__":
    report("PDF", render_pdf)
