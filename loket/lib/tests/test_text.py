from loket.lib.text import (
    STOPWORDS,
    analysed_document,
    analysed_terms,
    fold,
    part_groups,
    stemmed_document,
    stems,
    terms,
    tokens,
)


def test_fold_strips_accents_and_case():
    assert fold("Coöperatie Économie") == "cooperatie economie"


def test_tokens_split_on_punctuation():
    assert tokens("R&D-partners, zoeken!") == ["r", "d", "partners", "zoeken"]


def test_dutch_plural_and_singular_share_a_stem():
    assert set(stems("samenwerkingen")) & set(stems("samenwerking"))


def test_english_plural_and_singular_share_a_stem():
    assert set(stems("collaborations")) & set(stems("collaboration"))


def test_stemmed_document_contains_both_languages_stems():
    document = stemmed_document("bedrijven collaborations").split()
    assert "bedrijf" in document  # Dutch stem
    assert "collabor" in document  # English stem


def test_stopwords_of_the_three_languages_add_no_terms():
    assert analysed_terms("de van het een in op the of and les des dans pour") == []


def test_stopwords_that_carry_meaning_elsewhere_are_kept():
    # "AI" and "EU" are French stopwords (ai, eu), "IT" an English one, "TU" (Delft) French.
    assert analysed_terms("AI EU IT TU") == ["ai", "eu", "it", "tu"]


def test_a_compound_keeps_its_own_terms_and_adds_its_parts():
    assert terms("waterstofopslag") == ("waterstofopslag", "waterstof", "opslag")
    parts = set(terms("zonnepanelen"))
    assert {"zonnepanel", "zon"} <= parts
    assert set(stems("panelen")) <= parts  # the part as written ...
    assert set(stems("paneel")) <= parts  # ... and as its lexicon word


def test_short_words_and_non_compounds_bring_only_their_stems():
    for word in ["bestand", "verkeer", "waterstof", "collaborations", "stockage"]:
        assert terms(word) == stems(word)


def test_part_groups_give_one_group_per_part():
    assert part_groups("waterstofopslag") == (("waterstof",), ("opslag",))
    assert part_groups("haven") == ()


def test_dutch_query_meets_dutch_text_written_apart():
    query = set(analysed_terms("waterstofopslag havens"))
    profile = set(analysed_terms("Opslag van waterstof in de haven"))
    assert {"waterstof", "opslag", "haven"} <= query & profile


def test_english_and_french_analysis_is_the_stems_less_stopwords():
    for text in ["Hydrogen storage in ports", "Stockage de l'hydrogène dans les ports"]:
        expected = [s for t in tokens(text) if t not in STOPWORDS for s in stems(t)]
        assert analysed_terms(text) == expected
        assert analysed_document(text) == " ".join(expected)


def test_stemmed_document_is_unchanged_for_the_challenges_search():
    assert stemmed_document("de waterstofopslag") == "de waterstofopslag"
