"""License terms, one check module per term family, composed in order by ``decide.evaluate``.

Each check module holds functions ``(license terms, policy, finding) -> reasons``;
``evaluate.CHECKS`` lists them in the order reasons are reported. ``common`` holds the term
helpers the checks share with ``decide.obligations``; ``reasons`` the way every check words a
reason; ``expressions``, ``lists``, ``unknowns`` and ``exceptions`` the steps around the checks.
"""
