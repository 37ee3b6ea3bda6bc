"""Every finding code, the check that reports it and what it means: one table for the docs
(docs/findings.md lists exactly these), the HTML (a code's meaning on hover) and waiver authors.

A code is stable: waivers, gates (``max_findings`` per check) and dashboards key on it.  A check that
reports a code missing here is caught by the test suite (``run_checks`` raises under
``EVALUATOR_STRICT_CODES=1``, which the tests set).
"""
from __future__ import annotations

# code -> (check, meaning)
CODES: dict[str, tuple[str, str]] = {
    # titles
    "title-changed": ("titles", "a person's title or office differs between the two sides"),
    "title-added": ("titles", "the rewrite gives a person a title the original does not"),
    "title-dropped": ("titles", "a person's title is gone from the rewrite"),
    "title-contradicts-reference": ("titles", "a title contradicts what the reference sets record for that person or "
                                              "office (a known wrong rendering)"),
    "title-inconsistent": ("titles", "one person is called by different titles in different places of the rewrite"),
    "honorific-changed": ("titles", "an honorific differs (Mr/Ms/Dr ...)"),
    "honorific-dropped": ("titles", "an honorific is gone (\"Mr. Blinken\" -> \"Blinken\")"),
    "term-style-changed": ("titles", "an institution's usual term rendered another way (\"the Biden administration\" -> "
                                     "\"the Biden government\")"),
    # entities
    "entity-missing": ("entities", "a person, organisation or place of the original has no counterpart"),
    "entity-added": ("entities", "a person, organisation or place appears in the rewrite only"),
    "entity-substituted": ("entities", "one named entity replaced by another (a different person or place)"),
    "org-renamed": ("entities", "an organisation's name changed into a name that is not one of its aliases"),
    "pronoun-gender-changed": ("entities", "a pronoun's gender changed (\"she\" -> \"he\")"),
    # numbers
    "number-changed": ("numbers", "a number, amount or percentage has another value"),
    "date-changed": ("numbers", "a date, weekday, month or year differs"),
    "number-missing": ("numbers", "a number of the original is not in the rewrite"),
    "number-added": ("numbers", "a number appears in the rewrite only"),
    "number-swapped": ("numbers", "two numbers traded places between what they count"),
    "number-approximated": ("numbers", "a figure rounded into another form (\"a third\" -> \"30 percent\")"),
    "unit-changed": ("numbers", "the same number with a unit of another kind"),
    "qualifier-changed": ("numbers", "a bound turned round (\"nearly 500\" -> \"more than 500\")"),
    # quotes
    "quote-altered": ("quotes", "the words inside quotation marks changed"),
    "quote-truncated": ("quotes", "a quotation lost words at its start or end"),
    "quote-extended": ("quotes", "a quotation gained words at its start or end"),
    "quote-form-changed": ("quotes", "a quotation changed in form only (contraction, pronoun case, spelling)"),
    "quote-missing": ("quotes", "a quotation of the original is paraphrased, missing, or left without quotation "
                                "marks in the rewrite"),
    "quote-speaker-changed": ("quotes", "a quotation is attributed to someone else"),
    "attribution-changed": ("quotes", "a reported claim has another source (\"police said\" -> \"the suspect said\"), or an allegation became the subject's own word or a plain fact (\"allegedly stole\" -> \"admitted he stole\", \"took\")"),
    # negation
    "negation-added": ("negation", "a statement negated in the rewrite but not in the original, or restricted by an added \"only\""),
    "negation-removed": ("negation", "a negation of the original is gone (the statement now says the opposite), or an \"only\" that restricted it (\"only three engines fired\" -> \"three engines fired\")"),
    "antonym-swap": ("negation", "a word replaced by its opposite (\"increased\" -> \"decreased\"), or a quantifier turned round (\"some\" -> \"all\", \"some reviewers\" -> \"reviewers\")"),
    # roles
    "role-reversed": ("roles", "who did what to whom turned round (agent and patient, giver and recipient ...)"),
    # tense
    "tense-changed": ("tense", "the main verb's tense changed"),
    "aspect-changed": ("tense", "the main verb's aspect changed (perfect, progressive)"),
    "modality-changed": ("tense", "a modal added, removed or changed (\"will\" -> \"may\")"),
    "statement-to-question": ("tense", "a statement turned into a question, or the reverse"),
    # omission
    "sentence-omitted": ("omission", "a sentence of the original has no counterpart in the rewrite"),
    "sentence-added": ("omission", "a sentence of the rewrite has no counterpart in the original"),
    "clause-dropped": ("omission", "a clause, phrase or hedge of an aligned sentence is gone"),
    "content-added": ("omission", "content added inside an aligned sentence"),
    "sentence-moved": ("omission", "a sentence or run of sentences stands in another paragraph of the rewrite"),
    # terminology
    "glossary-required-missing": ("terminology", "a glossary term is not rendered the required way"),
    "glossary-forbidden-used": ("terminology", "a rendering the glossary forbids is used"),
    "term-inconsistent": ("terminology", "one term rendered several ways in the rewrite"),
    # fluency
    "fragment": ("fluency", "a sentence fragment left by a broken split"),
}


def meaning(code: str) -> str:
    """What ``code`` means, or "" for a code not in the table."""
    entry = CODES.get(code)
    return entry[1] if entry else ""
