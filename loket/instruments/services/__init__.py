"""Writes for the instruments app: catalogue loading, EU call import, wizard runs, burden reports,
curator CSV import. Every change to catalogue data is written to ChangeLog (who, when, what)."""

from loket.instruments.services.bootstrap import instruments_bootstrap
from loket.instruments.services.burden import burden_report_create
from loket.instruments.services.calls import (
    ImportReport,
    calls_import,
    calls_import_file,
    conditions_clean,
    default_calls_path,
    text_repair,
)
from loket.instruments.services.changelog import _snapshot, change_record
from loket.instruments.services.curation import (
    CSV_FIELDS,
    CSV_MAX_BYTES,
    TABLES,
    CsvImportReport,
    catalogue_csv_import,
    instruments_csv_import,
)
from loket.instruments.services.loading import LoadReport, catalogue_load
from loket.instruments.services.wizard import (
    wizard_answers_parse,
    wizard_evaluate,
    wizard_result_create,
)

__all__ = [
    "CSV_FIELDS",
    "CSV_MAX_BYTES",
    "CURATION_TABLES",
    "CsvImportReport",
    "ImportReport",
    "LoadReport",
    "_snapshot",
    "burden_report_create",
    "calls_import",
    "calls_import_file",
    "catalogue_csv_import",
    "catalogue_load",
    "change_record",
    "conditions_clean",
    "default_calls_path",
    "instruments_bootstrap",
    "instruments_csv_import",
    "text_repair",
    "wizard_answers_parse",
    "wizard_evaluate",
    "wizard_result_create",
]

CURATION_TABLES = list(TABLES)
