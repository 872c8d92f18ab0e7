"""Tests of what is shown: one truth across commands, published periods and corrections, the
meeting's views."""
