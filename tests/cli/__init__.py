"""Tests of the command line itself: usage errors, help, exit statuses."""
