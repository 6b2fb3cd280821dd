import json

from django.core.management.base import BaseCommand, CommandError

from loket.matching.services import match_batch_line


class Command(BaseCommand):
    help = (
        "Rank partners for needs in a JSONL file. Input lines: "
        '{"id", "text", "seeker" (CORDIS PIC or Loket id, optional), "exclude": [...]}; '
        'output lines: {"id", "results": [{"organisation", "score"}]}, best first.'
    )

    def add_arguments(self, parser):
        parser.add_argument("--in", dest="infile", required=True)
        parser.add_argument("--out", dest="outfile", required=True)
        parser.add_argument("--top", type=int, default=10)

    def handle(self, *args, infile, outfile, top, **options):
        if not 0 < top <= 1000:
            raise CommandError("--top must be between 1 and 1000")
        written = 0
        try:
            source = open(infile, encoding="utf-8")  # noqa: SIM115
        except OSError as exc:
            raise CommandError(f"cannot read {infile}: {exc}") from exc
        with source, open(outfile, "w", encoding="utf-8") as out:
            for number, line in enumerate(source, start=1):
                if not line.strip():
                    continue
                try:
                    query = json.loads(line)
                    if not isinstance(query, dict) or "id" not in query:
                        raise ValueError("an object with an id is required")
                    exclude = query.get("exclude") or []
                    if not isinstance(exclude, list):
                        raise ValueError("exclude must be a list")
                except ValueError as exc:
                    raise CommandError(f"{infile}:{number}: {exc}") from exc
                results = match_batch_line(
                    text=str(query.get("text") or ""),
                    seeker=str(query["seeker"]) if query.get("seeker") else None,
                    exclude=[str(x) for x in exclude],
                    top=top,
                )
                out.write(json.dumps({"id": query["id"], "results": results}) + "\n")
                written += 1
        self.stderr.write(f"{written} queries → {outfile}")
