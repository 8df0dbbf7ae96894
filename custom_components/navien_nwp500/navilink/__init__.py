"""NaviLink cloud client for Navien NWP500 water heaters (no Home Assistant imports)."""
