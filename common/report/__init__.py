"""One content model for every report (årsrapport, hub summaries, party reports, agendas) and
its renderers: accessible PDF (WeasyPrint, PDF/UA), Word (python-docx), XLSX and charts."""
