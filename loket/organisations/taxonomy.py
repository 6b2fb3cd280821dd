"""Fixed vocabularies: Doblin's ten types, NACE Rev.2 sections and divisions, NUTS → region."""

from django.utils.translation import gettext_lazy as _

INNOVATION_TYPE_LABELS = {
    "profit_model": _("Profit model"),
    "network": _("Network"),
    "structure": _("Structure"),
    "process": _("Process"),
    "product_performance": _("Product performance"),
    "product_system": _("Product system"),
    "service": _("Service"),
    "channel": _("Channel"),
    "brand": _("Brand"),
    "customer_engagement": _("Customer engagement"),
}

NACE_SECTIONS = {
    "A": _("Agriculture, forestry and fishing"),
    "B": _("Mining and quarrying"),
    "C": _("Manufacturing"),
    "D": _("Electricity, gas, steam and air conditioning supply"),
    "E": _("Water supply; sewerage, waste management and remediation"),
    "F": _("Construction"),
    "G": _("Wholesale and retail trade; repair of motor vehicles"),
    "H": _("Transportation and storage"),
    "I": _("Accommodation and food service activities"),
    "J": _("Information and communication"),
    "K": _("Financial and insurance activities"),
    "L": _("Real estate activities"),
    "M": _("Professional, scientific and technical activities"),
    "N": _("Administrative and support service activities"),
    "O": _("Public administration and defence; compulsory social security"),
    "P": _("Education"),
    "Q": _("Human health and social work activities"),
    "R": _("Arts, entertainment and recreation"),
    "S": _("Other service activities"),
    "T": _("Activities of households as employers"),
    "U": _("Activities of extraterritorial organisations and bodies"),
}

# NACE Rev.2 divisions (two-digit codes) and the section each belongs to.
NACE_DIVISIONS = {
    "01": ("A", "Crop and animal production, hunting"),
    "02": ("A", "Forestry and logging"),
    "03": ("A", "Fishing and aquaculture"),
    "05": ("B", "Mining of coal and lignite"),
    "06": ("B", "Extraction of crude petroleum and natural gas"),
    "07": ("B", "Mining of metal ores"),
    "08": ("B", "Other mining and quarrying"),
    "09": ("B", "Mining support service activities"),
    "10": ("C", "Manufacture of food products"),
    "11": ("C", "Manufacture of beverages"),
    "12": ("C", "Manufacture of tobacco products"),
    "13": ("C", "Manufacture of textiles"),
    "14": ("C", "Manufacture of wearing apparel"),
    "15": ("C", "Manufacture of leather products"),
    "16": ("C", "Manufacture of wood and cork products"),
    "17": ("C", "Manufacture of paper"),
    "18": ("C", "Printing and reproduction of recorded media"),
    "19": ("C", "Manufacture of coke and refined petroleum products"),
    "20": ("C", "Manufacture of chemicals"),
    "21": ("C", "Manufacture of pharmaceuticals"),
    "22": ("C", "Manufacture of rubber and plastic products"),
    "23": ("C", "Manufacture of other non-metallic mineral products"),
    "24": ("C", "Manufacture of basic metals"),
    "25": ("C", "Manufacture of fabricated metal products"),
    "26": ("C", "Manufacture of computer, electronic and optical products"),
    "27": ("C", "Manufacture of electrical equipment"),
    "28": ("C", "Manufacture of machinery and equipment"),
    "29": ("C", "Manufacture of motor vehicles"),
    "30": ("C", "Manufacture of other transport equipment"),
    "31": ("C", "Manufacture of furniture"),
    "32": ("C", "Other manufacturing"),
    "33": ("C", "Repair and installation of machinery"),
    "35": ("D", "Electricity, gas, steam and air conditioning supply"),
    "36": ("E", "Water collection, treatment and supply"),
    "37": ("E", "Sewerage"),
    "38": ("E", "Waste collection, treatment and disposal; materials recovery"),
    "39": ("E", "Remediation and other waste management"),
    "41": ("F", "Construction of buildings"),
    "42": ("F", "Civil engineering"),
    "43": ("F", "Specialised construction activities"),
    "45": ("G", "Trade and repair of motor vehicles"),
    "46": ("G", "Wholesale trade"),
    "47": ("G", "Retail trade"),
    "49": ("H", "Land transport and transport via pipelines"),
    "50": ("H", "Water transport"),
    "51": ("H", "Air transport"),
    "52": ("H", "Warehousing and support activities for transportation"),
    "53": ("H", "Postal and courier activities"),
    "55": ("I", "Accommodation"),
    "56": ("I", "Food and beverage service activities"),
    "58": ("J", "Publishing activities"),
    "59": ("J", "Film, video, television and sound recording"),
    "60": ("J", "Programming and broadcasting"),
    "61": ("J", "Telecommunications"),
    "62": ("J", "Computer programming and consultancy"),
    "63": ("J", "Information service activities"),
    "64": ("K", "Financial service activities"),
    "65": ("K", "Insurance and pension funding"),
    "66": ("K", "Activities auxiliary to financial services"),
    "68": ("L", "Real estate activities"),
    "69": ("M", "Legal and accounting activities"),
    "70": ("M", "Head offices; management consultancy"),
    "71": ("M", "Architectural and engineering activities; technical testing"),
    "72": ("M", "Scientific research and development"),
    "73": ("M", "Advertising and market research"),
    "74": ("M", "Other professional, scientific and technical activities"),
    "75": ("M", "Veterinary activities"),
    "77": ("N", "Rental and leasing activities"),
    "78": ("N", "Employment activities"),
    "79": ("N", "Travel agency and tour operator activities"),
    "80": ("N", "Security and investigation activities"),
    "81": ("N", "Services to buildings and landscape"),
    "82": ("N", "Office administrative and business support activities"),
    "84": ("O", "Public administration and defence"),
    "85": ("P", "Education"),
    "86": ("Q", "Human health activities"),
    "87": ("Q", "Residential care activities"),
    "88": ("Q", "Social work activities without accommodation"),
    "90": ("R", "Creative, arts and entertainment activities"),
    "91": ("R", "Libraries, archives, museums and other cultural activities"),
    "92": ("R", "Gambling and betting activities"),
    "93": ("R", "Sports, amusement and recreation"),
    "94": ("S", "Activities of membership organisations"),
    "95": ("S", "Repair of computers and household goods"),
    "96": ("S", "Other personal service activities"),
    "97": ("T", "Households as employers of domestic personnel"),
    "98": ("T", "Undifferentiated goods and services of households for own use"),
    "99": ("U", "Extraterritorial organisations and bodies"),
}


def nace_section(code: str) -> str:
    code = (code or "").strip().upper()
    if code[:1].isalpha():
        return code[:1]
    division = NACE_DIVISIONS.get(code[:2])
    return division[0] if division else ""


def nace_label(code: str) -> str:
    code = (code or "").strip().upper()
    if not code:
        return ""
    if code[:1].isalpha():
        return str(NACE_SECTIONS.get(code[:1], ""))
    division = NACE_DIVISIONS.get(code[:2])
    if division is None:
        return ""
    return f"{NACE_SECTIONS[division[0]]} – {division[1]}"


def nace_choices() -> list[tuple[str, str]]:
    return [(code, f"{code} {label}") for code, (_section, label) in NACE_DIVISIONS.items()]


# NUTS-2 prefixes of the Belgian provinces (2021 classification).
NUTS_REGIONS = {
    "BE1": "brussels",
    "BE21": "antwerpen",
    "BE22": "limburg",
    "BE23": "oost_vlaanderen",
    "BE24": "vlaams_brabant",
    "BE25": "west_vlaanderen",
    "BE3": "wallonia",
}


def region_from_nuts(nuts_code: str, country: str = "") -> str:
    """The Loket region for a NUTS code; 'abroad' outside Belgium, '' when unknown."""
    code = (nuts_code or "").strip().upper()
    for prefix in sorted(NUTS_REGIONS, key=len, reverse=True):
        if code.startswith(prefix):
            return NUTS_REGIONS[prefix]
    country = (country or code[:2]).strip().upper()
    if country and country != "BE":
        return "abroad"
    return ""


# CORDIS activity types → Loket organisation types.
CORDIS_ACTIVITY_TYPES = {
    "PRC": "company",
    "HES": "knowledge_institution",
    "REC": "research_centre",
    "PUB": "public_body",
    "OTH": "other",
}
