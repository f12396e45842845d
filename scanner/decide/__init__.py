"""Deciding: the policy, term checks, obligations, suppressions and the baseline."""
