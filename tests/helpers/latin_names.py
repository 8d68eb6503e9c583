"""Given names, surnames and streets of the FEBRL-like Latin-script people the identity tests generate."""

__all__ = ["GIVEN", "STREETS", "SURNAMES"]

GIVEN = ["mitchell", "sophie", "lachlan", "tara", "joel", "chloe", "madison", "lucas", "eboni", "kylie", "liam", "ava"]
SURNAMES = ["green", "nguyen", "ryan", "dixon", "pantazopoulos", "smith", "brown", "wilson", "taylor", "white",
            "martin", "clarke", "hughes", "walker", "young", "king", "wright", "scott", "baker", "hill"]
STREETS = ["wallaby place", "allott place", "lance hill avenue", "sanford place", "bushby close", "chisholm street"]
