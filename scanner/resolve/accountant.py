"""The epsilon of a DP-SGD training place whose code states its noise, sampling rate and steps
but not its guarantee, from a maintained accountant: Google's ``dp-accounting`` (the optional
``[dp]`` extra), Renyi-DP accountant for a Poisson-subsampled Gaussian mechanism composed
``steps`` times, the analysis DP-SGD implementations (Opacus, TensorFlow Privacy) report.
Without the extra, or without a parameter, epsilon stays unknown and says why: never a pass.
"""

from __future__ import annotations

from dataclasses import replace

from scanner.types import Privacy

EXTRA_HINT = "install model-license-guard[dp] (dp-accounting) to compute it"


def account(privacy: Privacy, delta: float | None) -> Privacy:
    """``privacy`` with epsilon computed at ``delta`` (the stated one first), or the reason it
    cannot be: a stated epsilon is kept as stated."""
    if not privacy.dp or privacy.epsilon is not None:
        return privacy
    delta = privacy.delta if privacy.delta is not None else delta
    if privacy.missing:
        why = f"epsilon is not stated and {', '.join(privacy.missing)} not known statically"
        return replace(privacy, unresolved=why)
    if delta is None:
        return replace(privacy, unresolved="epsilon is not stated and no delta is known")
    noise, rate, steps = privacy.noise_multiplier, privacy.sample_rate, privacy.steps
    assert noise is not None and rate is not None and steps is not None  # not missing
    try:
        epsilon, name = rdp_epsilon(noise, rate, steps, delta)
    except ImportError:
        return replace(privacy, unresolved=f"epsilon is not stated; {EXTRA_HINT}")
    except (ValueError, ArithmeticError) as exc:
        return replace(privacy, unresolved=f"the accountant cannot compute epsilon: {exc}")
    return replace(privacy, epsilon=epsilon, delta=delta, accountant=name)


def rdp_epsilon(noise: float, rate: float, steps: int, delta: float) -> tuple[float, str]:
    """Epsilon at ``delta`` of ``steps`` Poisson-subsampled Gaussian steps (RDP accountant);
    ImportError without dp-accounting."""
    from importlib import metadata

    import dp_accounting  # the optional [dp] extra
    from dp_accounting import rdp

    event = dp_accounting.SelfComposedDpEvent(
        dp_accounting.PoissonSampledDpEvent(rate, dp_accounting.GaussianDpEvent(noise)), steps
    )
    accountant = rdp.RdpAccountant()
    accountant.compose(event)
    version = metadata.version("dp-accounting")
    return float(accountant.get_epsilon(delta)), f"RDP (dp-accounting {version})"
