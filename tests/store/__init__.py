"""Tests of the store: loading and checking files, folders of files, the cache, limits, safe
writes, the platform seam."""
