"""Import and export of enterprises, capacity weeks and demands (.xlsx and CSV), Open Supply Hub
facility lists, and the duplicate review queue.

Entry points (service.py): import_enterprises, import_capacity, import_demands,
import_osh_facilities (for the demo loader); exports.py: export_file, template_file;
duplicates.py: duplicate_candidate_list / _get_for / _decide / _merge.

Decisions, so the behaviour is predictable:

* Files: .xlsx (first worksheet, header in row 1) or CSV in UTF-8 (BOM or not), UTF-16 with BOM,
  or GBK/GB18030; anything else is refused with the reason, never guessed. Over
  settings.CLUSTERLINK_MAX_UPLOAD_BYTES is refused before anything is parsed.
* Headers: codes ("legal_name"), English, Chinese or Japanese labels; a required column
  missing, an unknown column or a column twice rejects the file (nothing is read further).
* Rows: every row is validated and every problem reported (row as in Excel, column as written
  in the file, cell, translated reason). Fully blank rows are skipped; blank rows followed by
  data are listed as "ignored", not errors. Formula cells, merged cells and values in
  headerless columns are errors. Nothing is written unless every row is valid, or the user
  chose "import only the good rows" (then the report lists the rows left out); header and
  file errors always reject.
* Values: pairs are whole numbers of at least 1 (a capacity row of 0 free pairs is an error: a
  spreadsheet row states capacity on offer; a week is cleared in the calendar); RMB has at most two decimals; weeks are ISO weeks ("2026-W49"), ISO
  dates or real date cells (the week containing the date), never in the past; other date
  text ("12/07/2026") is ambiguous and refused.
* Duplicates: the same firm twice in a file (credit code, or name+address) is an error; a row
  equal to a firm already in the directory is not created again (listed as existing); near
  duplicates (resolution core) are created and queued for review unless a remembered
  decision (by pair fingerprint) settles them.
"""
