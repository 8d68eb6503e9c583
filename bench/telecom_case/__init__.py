"""A telecom operator's party data, written from a description of real silos, and a scorer for c360 on it.

    python bench/telecom_case generate --out /tmp/case --people 20000 --seed 7
    python bench/telecom_case score --dir /tmp/case [--database-url postgresql://…] [--no-learn] [--no-splink]

The generator does not share code or tables with the hub's matching or the
bundled silo simulator: it is an independent check.

**Population** (``world.py``): N people in households (sizes 1-5: couples —
Chinese wives keep their surname —, children of 15 and over with the father's surname,
elderly parents), names from census-weighted surnames (rare compound ones) and
given names of one or two characters (the commonest names from Faker's zh_CN
lists keep identical full names frequent), a valid 18-digit resident ID
(region code of birthplace — 60 % born in the province —, birth date,
sequence whose parity is the gender, ISO 7064 MOD 11-2 check digit), a home
address in Guangdong (moved house: 15 % of households), 1-3 mobile numbers
over 2008-2024 (sequential or parallel), e-mail for 25 %, a household fixed
line for 30 % of households (shared by all its members). Life cycles: 8 % of
people leave the operator, 3 % port their number out and keep using it,
given-up numbers go back to the pool and 60 % of them are issued again to
another customer 3-12 months later (windows never overlap). Enterprises: 4 %
of N, each with a unified social credit code (GB 32100 check characters, an
embedded GB 11714 organization code), a fixed line and 1-5 contact persons
drawn from the people (a person contacts for at most two).

**Silos** (``silo_files.py``), one JSONL file each in the generic import format:

* ``boss.jsonl`` — one record per account (12 % of people have two: another
  city, or prepaid beside postpaid; enterprise "group" accounts for half the
  enterprises). ID with a branch's document-type label (``RIC``,
  ``resident_id``, ``ID_CARD``, ``身份证``, ``居民身份证``, ``01`` or empty), phones
  with their subscription windows, address as at opening (40 % of movers' old
  accounts keep the old one), birth date as ``1985-03-02`` / ``1985/3/2``
  (10 %) / ``19850302`` (10 %) / ``1985-03-02 00:00:00`` (20 %), gender as
  ``M``/``男``/``male``. Noise: homophone typos 3 %, traditional characters 1 %,
  two adjacent ID digits swapped 1 %, ID missing 2 %, address / birth date /
  gender each missing 3 %; a quarter of household members list the home line.
* ``billing.jsonl`` — one record per billing account (95 % of postpaid, 20 % of
  prepaid accounts, and the enterprises' accounts): the printed name (typos
  5 %, traditional 3 %), one contact phone — the account's newest number, a
  relative's (8 %) or the home line (5 %) —, the current address with
  province and city in 30 % (else district or street first), ID on 30 %, birth
  date on 10 %.
* ``callcenter.jsonl`` — one record per call (65 % of people call, 1-5 times
  from 2015): ``王女士`` / ``于先生`` / ``王小姐`` (70 %), full name (20 %), ``老王`` /
  ``小王`` (5 %), no name (5 %); the number the caller held that day (possibly
  recycled or ported out), the home line (10 % where there is one) or a
  placeholder such as ``13800000000`` (3 %); the window is the call's day (60 %),
  the call's start to end (25 %) or one instant, since = until (15 %); ID kept on
  8 %.
* ``keyaccount.jsonl`` — enterprises (a second record for 15 %; name variants —
  ``（广州）``, ``(广州)``, ``有限责任公司``, short names — on 50 %, credit code
  missing on 20 %) and their contact persons (own mobile, or a work mobile
  unknown to BOSS 15 %; ID on 30 %; typos 3 %).

``truth.csv`` (``source,source_key,entity_id``: ``P…`` people, ``O…``
enterprises) covers every line; ``tags.csv`` names the noise and life-cycle
events behind each record. Every rate is a ``generate`` option (``noise.py``);
``--clean-formats`` writes the same case with ISO birth dates and no zero-length
windows, which ``docs/import-format.md`` requires.
"""
