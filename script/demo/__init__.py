"""The demo: the NaviLink simulator and a real Home Assistant server side by side.

``script/develop`` runs this package (``python -m script.demo``): it starts the simulator (one demo account with one
simulated NWP500 whose tank cools, gets drawn from and reheats, sped up), then the
newest Home Assistant release from ``.venv-demo`` with the configuration directory
``config/`` (kept between runs) and our integration linked in, pointed at the
simulator through the ``NAVILINK_*`` environment variables. On the first run it
onboards Home Assistant and walks our config flow through HA's HTTP API, as the
frontend would. Ctrl-C stops Home Assistant, the simulator and its broker.

One module a step: ``simulator`` (the simulator and the environment that points
Home Assistant at it), ``config_dir`` (install: the configuration directory),
``server`` (the ``hass`` process), ``hass_client`` (onboard, log in, create the
config entry, read states), ``summary`` (print what runs where) and ``run`` (the
steps in order); ``screenshot`` drives headless Chromium. ``shared`` holds the
paths, the demo login and the error every step raises. The pieces are shared
with the real-server smoke test in ``tests/smoke``.
"""
