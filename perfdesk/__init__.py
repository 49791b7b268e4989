"""PerfDesk 预算绩效填报桌面端.

Importing the package does nothing else: the start-up (perfdesk.cli.main, the self-test, the tests'
conftest) installs the form catalog (perfdesk.catalog.form_files.install)."""

__version__ = "0.1.0"
