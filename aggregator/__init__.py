"""Aggregators: three independent parties that turn the nodes' encrypted shares into exact,
audited regional and national figures with MPC (issue 13). See aggregator.mpc for the
computation, aggregator.protect for the release rules, aggregator.batch for member lists."""
