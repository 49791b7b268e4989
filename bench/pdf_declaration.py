"""Median time to print the 60-indicator declaration to PDF (target: 150 ms a form on 2 cores)."""

from _declaration import report

from perfdesk.render.pdf import render_pdf

if __name__ == "__main__":
    report("PDF", render_pdf)
