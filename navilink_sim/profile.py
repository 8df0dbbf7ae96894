"""How true to life a simulated heater is: the "ideal" and "realistic" heater profiles.

The ideal profile is the simulator the integration was first written against:
controls apply at once, every reply comes at once, every month of history exists,
the device list never hiccups and the tank has two halves. Each knob of
`HeaterProfile` switches one real behaviour on, so a test can turn on one and keep
the rest ideal; `REALISTIC` turns them all on, with values from protocol.md.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

type ProfileName = Literal["ideal", "realistic"]
type Range = tuple[float, float]
"""A closed interval of seconds; a delay is drawn uniformly from it."""


@dataclass(frozen=True, slots=True)
class HeaterProfile:
    """The behaviours of one simulated heater and its cloud, each with its own knob.

    Every delay is in seconds of the device's life; the simulator multiplies
    them by its ``delay_scale`` so tests compress them.
    """

    apply_delay: Range = (0.0, 0.0)
    """How long a control waits before it applies (§17.8: status shows it late)."""
    slow_setpoint_chance: float = 0.0
    """Chance that a set-point write takes `slow_setpoint_delay` instead (§17.8: over 16 s)."""
    slow_setpoint_delay: Range = (16.0, 30.0)
    reply_delay: Range = (0.0, 0.0)
    """Extra time before each acknowledgement or status reply leaves the device."""
    reply_loss: float = 0.0
    """Chance that a reply never arrives (§17.8: writes can be lost silently)."""
    reply_duplicate: float = 0.0
    """Chance that a reply arrives twice (MQTT QoS 1 redelivers, §3)."""
    device_list_hiccup: float = 0.0
    """Chance that one ``/device/list`` answers empty or short of one heater (§2.5)."""
    installed_days: int = 400
    """Days the heater ran before the clock's start: history begins there (§10).

    The ideal heater has a full year and more, so every month asked exists.
    """
    omit_months_before_install: bool = False
    """Leave months before the first day out of energy replies instead of zero-filling them."""
    clock_offset_hours: float = 0.0
    """The device clock's offset from UTC: its day closes on its own midnight (§10)."""
    stratified_tank: bool = False
    """A many-layer tank whose energy fields follow the captures (§17.11, §8.1)."""
    probe_heights: tuple[float, float] = (0.25, 0.75)
    """Where the stratified tank's lower and upper probes sit, as shares of its
    height. Not published (§8.1 names two thermistors only); the integration
    takes a quarter and three quarters, and ``bench.probe_heights_bench`` moves
    them to measure what that assumption costs."""
    heat_pump_output: float = 1.0
    """The stratified tank's heat pump heat, as a share of the NWP500 the
    simulator models: a unit in a cold garage, or an ageing one, heats slower."""
    counts_litres: bool = True
    """Whether ``cumulatedDhwFlowRate`` counts the litres drawn; one unit reads 0
    there after 392 days (§17.1), leaving only ``currentDhwFlowRate``."""
    app_control_interval: Range | None = None
    """Gap between the official app's own controls; None: the app stays quiet (§17.4)."""
    control_interval: float = 0.0
    """Mode, temperature or power controls closer than this are refused (§17.4 ``failCode`` 2)."""

    def apply_delays(self) -> bool:
        """Whether any control can wait before it applies."""
        return self.apply_delay[1] > 0 or self.slow_setpoint_chance > 0

    def lags_replies(self) -> bool:
        """Whether replies can be late, lost or duplicated."""
        return (
            self.reply_delay[1] > 0 or self.reply_loss > 0 or self.reply_duplicate > 0
        )


IDEAL = HeaterProfile()

REALISTIC = HeaterProfile(
    apply_delay=(1.0, 5.0),
    slow_setpoint_chance=0.3,
    reply_delay=(0.0, 5.0),
    reply_loss=0.03,
    reply_duplicate=0.03,
    device_list_hiccup=0.1,
    installed_days=75,
    omit_months_before_install=True,
    clock_offset_hours=-8.0,
    stratified_tank=True,
    app_control_interval=(60.0, 300.0),
    control_interval=2.0,  # the real interval is unknown (§17.9); short, to be seen
)

PROFILES: dict[str, HeaterProfile] = {"ideal": IDEAL, "realistic": REALISTIC}


def app_at_real_pace(profile: HeaterProfile, delay_scale: float) -> HeaterProfile:
    """Return ``profile`` whose household app keeps its real pace under ``delay_scale``.

    The simulator multiplies every delay of a profile by its ``delay_scale``; a
    test or bench that compresses the heater's delays would otherwise compress
    the app's controls too, and they would re-send stale settings over its own.
    """
    if profile.app_control_interval is None:
        return profile
    low, high = profile.app_control_interval
    return replace(
        profile, app_control_interval=(low / delay_scale, high / delay_scale)
    )


def resolve(profile: ProfileName | HeaterProfile) -> HeaterProfile:
    """Return the profile named `profile`, or `profile` itself."""
    if isinstance(profile, HeaterProfile):
        return profile
    try:
        return PROFILES[profile]
    except KeyError:
        raise ValueError(
            f"unknown heater profile {profile!r}; use one of {sorted(PROFILES)}"
        ) from None
