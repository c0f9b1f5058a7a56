"""The triage evaluation: labelled mentions and the script that scores the classifier on them.

``tuning.jsonl`` and ``heldout.jsonl`` hold project-written, brand-directed posts in English and
Danish, each labelled with its feedback category and whether it needs a person, labelled before
the rules were tuned. Rules are tuned on the tuning part only (``--errors`` lists its misses);
the held-out part is only ever scored, so its figures say how the rules do on posts they never
saw. Run ``python -m eval``.

How the posts were labelled: a post reporting a failure, a wait, money gone wrong or a broken
promise is a complaint even when it asks ("Why is my card declined?"); a question seeks
information or help without reporting a failure; a wish or request for the product is an idea
even when phrased as a question; praise thanks or recommends; a tip advises other users; a new
use reports the product used for something else; competitor is news of or a comparison with
a rival; regulation is about laws and regulators; the rest is other. ``needs_person`` is true
when someone at the brand should answer or act soon: the complaints and questions.

The split into parts is by a hash of the text, so a Danish post and its English counterpart
(many were written as pairs) can fall on different sides: the held-out figures are an upper
bound for posts the rules never saw. ``unseen.jsonl`` is the honest measure: posts about
other brands, written and labelled after the rules were tuned, scored once. It has been
renewed as each one was scored and then learned from (they joined the tuning part):

=====  =====  ==========================================  =========  ==========  ====
round  posts  when                                        complaint  question    AUC
                                                          F1         F1
=====  =====  ==========================================  =========  ==========  ====
1      61     after tuning on the first 226                0.50       0.89        0.83
2      53     after learning from round 1                  0.61       1.00        0.81
3      55     after learning from round 2                  0.50       0.91        0.82
=====  =====  ==========================================  =========  ==========  ====

Rules alone plateau there: each round's complaints use words no earlier round used. So a
complaint model (``python -m eval.train``, naive Bayes over the tuning part's words) adds its
evidence; chosen on round 3 (0.50 -> 0.67 complaint F1, AUC 0.83). Then:

=====  =====  ==========================================  =========  ==========  ====
4      50     with the model, trained to round 3           0.69       0.94        0.77
5      47     after learning from round 4 (the current    0.86       0.95        0.84
              ``unseen.jsonl``)
=====  =====  ==========================================  =========  ==========  ====

The classifier this replaced scores 0.11, 1.00 and 0.64 on round 5. Rounds are small (17
complaints in round 5): a round's figure moves by 0.1 with two posts.
"""
