from loket.lib.text import fold, stemmed_document, stems, tokens


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
