"""Tests of the domain: metrics, periods, trend and ranking, the follow-up ladder, the data
format's fields."""
