"""PerfDesk 预算绩效填报桌面端."""

__version__ = "0.1.0"
