import hashlib

from django.db import migrations

NL = """Wederzijdse geheimhoudingsovereenkomst (versie 1)

1. Partijen zijn de organisatie die het item op Loket plaatste en de organisatie waarvan de interesse werd aanvaard.
2. Vertrouwelijke informatie is alle informatie die een partij via Loket of daarna in het kader van dit item aan de andere partij verstrekt, met inbegrip van de beschermde details en bijlagen.
3. De ontvangende partij gebruikt vertrouwelijke informatie enkel om een mogelijke samenwerking rond dit item te beoordelen, deelt ze niet met derden en beschermt ze met minstens dezelfde zorg als haar eigen vertrouwelijke informatie.
4. Deze verplichting geldt niet voor informatie die al publiek was, die de ontvanger al rechtmatig kende of onafhankelijk ontwikkelde, of die hij wettelijk moet vrijgeven.
5. Deze overeenkomst geldt drie jaar vanaf de aanvaarding door beide partijen. Op verzoek worden vertrouwelijke documenten teruggegeven of vernietigd.
6. Het Belgisch recht is van toepassing.
"""

EN = """Mutual non-disclosure agreement (version 1)

1. The parties are the organisation that posted the item on Loket and the organisation whose interest was accepted.
2. Confidential information is all information one party provides to the other through Loket, or afterwards in connection with this item, including the protected details and attachments.
3. The receiving party uses confidential information only to assess a possible collaboration on this item, does not share it with third parties and protects it with at least the care it gives its own confidential information.
4. This obligation does not apply to information that was already public, that the recipient already knew lawfully or developed independently, or that it must disclose by law.
5. This agreement applies for three years from acceptance by both parties. On request, confidential documents are returned or destroyed.
6. Belgian law applies.
"""


def seed(apps, schema_editor):
    NdaText = apps.get_model("challenges", "NdaText")
    for language, title, text in [
        ("nl", "Wederzijdse geheimhoudingsovereenkomst", NL),
        ("en", "Mutual non-disclosure agreement", EN),
    ]:
        NdaText.objects.get_or_create(
            version=1,
            language=language,
            defaults={
                "title": title,
                "text": text,
                "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
            },
        )


class Migration(migrations.Migration):
    dependencies = [("challenges", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
