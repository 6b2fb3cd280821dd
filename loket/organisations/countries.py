"""Country names for the ISO 3166-1 alpha-2 codes the directory shows.

EU and EEA members, candidate and neighbouring countries, and the partner countries that occur
most in CORDIS; any other code is shown as it is. CORDIS writes UK and EL where ISO has GB and
GR: the import maps them, and both spellings are named here for data loaded another way.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

COUNTRY_NAMES = {
    # European Union
    "AT": _("Austria"),
    "BE": _("Belgium"),
    "BG": _("Bulgaria"),
    "CY": _("Cyprus"),
    "CZ": _("Czechia"),
    "DE": _("Germany"),
    "DK": _("Denmark"),
    "EE": _("Estonia"),
    "ES": _("Spain"),
    "FI": _("Finland"),
    "FR": _("France"),
    "GR": _("Greece"),
    "HR": _("Croatia"),
    "HU": _("Hungary"),
    "IE": _("Ireland"),
    "IT": _("Italy"),
    "LT": _("Lithuania"),
    "LU": _("Luxembourg"),
    "LV": _("Latvia"),
    "MT": _("Malta"),
    "NL": _("Netherlands"),
    "PL": _("Poland"),
    "PT": _("Portugal"),
    "RO": _("Romania"),
    "SE": _("Sweden"),
    "SI": _("Slovenia"),
    "SK": _("Slovakia"),
    # EEA, EFTA and the United Kingdom
    "IS": _("Iceland"),
    "LI": _("Liechtenstein"),
    "NO": _("Norway"),
    "CH": _("Switzerland"),
    "GB": _("United Kingdom"),
    # Candidate and neighbouring countries associated to the EU programmes
    "AL": _("Albania"),
    "BA": _("Bosnia and Herzegovina"),
    "FO": _("Faroe Islands"),
    "GE": _("Georgia"),
    "IL": _("Israel"),
    "MD": _("Moldova"),
    "ME": _("Montenegro"),
    "MK": _("North Macedonia"),
    "RS": _("Serbia"),
    "TN": _("Tunisia"),
    "TR": _("Türkiye"),
    "UA": _("Ukraine"),
    # Frequent partners outside Europe
    "AE": _("United Arab Emirates"),
    "AM": _("Armenia"),
    "AZ": _("Azerbaijan"),
    "BY": _("Belarus"),
    "DZ": _("Algeria"),
    "JO": _("Jordan"),
    "LB": _("Lebanon"),
    "PS": _("Palestine"),
    "AR": _("Argentina"),
    "AU": _("Australia"),
    "BR": _("Brazil"),
    "CA": _("Canada"),
    "CL": _("Chile"),
    "CN": _("China"),
    "CO": _("Colombia"),
    "EG": _("Egypt"),
    "ET": _("Ethiopia"),
    "HK": _("Hong Kong"),
    "GH": _("Ghana"),
    "ID": _("Indonesia"),
    "IN": _("India"),
    "JP": _("Japan"),
    "KE": _("Kenya"),
    "KR": _("South Korea"),
    "KZ": _("Kazakhstan"),
    "MA": _("Morocco"),
    "MC": _("Monaco"),
    "MX": _("Mexico"),
    "MY": _("Malaysia"),
    "NG": _("Nigeria"),
    "NZ": _("New Zealand"),
    "PE": _("Peru"),
    "PH": _("Philippines"),
    "PK": _("Pakistan"),
    "RU": _("Russia"),
    "SA": _("Saudi Arabia"),
    "SG": _("Singapore"),
    "SN": _("Senegal"),
    "TH": _("Thailand"),
    "TW": _("Taiwan"),
    "TZ": _("Tanzania"),
    "UG": _("Uganda"),
    "UY": _("Uruguay"),
    "VN": _("Vietnam"),
    "US": _("United States"),
    "ZA": _("South Africa"),
}
ALIASES = {"UK": "GB", "EL": "GR"}


def country_name(code: str) -> str:
    """The translated name of a country code; the code itself when it is not known."""
    code = (code or "").strip().upper()
    name = COUNTRY_NAMES.get(ALIASES.get(code, code))
    return str(name) if name is not None else code
