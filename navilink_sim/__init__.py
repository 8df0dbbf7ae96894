"""A simulator of the NaviLink cloud and of NWP500 water heaters, for tests and the demo."""
