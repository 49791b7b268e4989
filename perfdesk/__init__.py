"""PerfDesk 预算绩效填报桌面端."""

__version__ = "0.1.0"


def _install_form_files() -> None:
    # The domain reads no files: the loader hands it the shipped forms and profiles and the user's
    # variants (perfdesk/form_files.py); nothing is read until something asks.
    from .form_files import install

    install()


_install_form_files()
