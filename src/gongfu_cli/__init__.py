"""gongfu: progress tracking for Huzhou's common-prosperity bus lines (共富班车)."""

__version__ = "1.0.0"
