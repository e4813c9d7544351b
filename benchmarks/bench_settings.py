"""Settings for benchmarks/submit.py and load.py: the production settings, with bench_urls.py as the
URLconf (the portal's URLs plus two bare views for the baselines). Never used outside benchmarks."""

from unionportal.settings.production import *  # noqa: F403

ROOT_URLCONF = "benchmarks.bench_urls"
