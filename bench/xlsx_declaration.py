"""Median time to write the 60-indicator declaration to XLSX (target: 150 ms a form on 2 cores)."""

from _declaration import report

from perfdesk.render.xlsx import render_xlsx

if __name__ == "__main__":
    report("XLSX", render_xlsx)
