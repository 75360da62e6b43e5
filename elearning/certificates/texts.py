"""Every text printed on a certificate or in its PDF properties: the Dutch source text, and its
English version in EN. Templates print them with `{{ _("Dutch text") }}` (`_` is in their context),
the renderer and elearning.certificates.data with `translator(EN, language)`."""

from __future__ import annotations

EN = {
    # the standard template (certificates/standaard/certificate.html)
    "Certificaat": "Certificate",
    "Hierbij verklaren wij dat": "This is to certify that",
    "de e-learning": "has successfully completed the e-learning course",
    "met goed gevolg heeft afgerond op {date}.": "on {date}.",
    "activiteit": "activity",
    "registratienummer": "registration number",
    "Verificatiecode": "Verification code",
    "Is dit certificaat echt? Scan de QR-code of ga naar": "Is this certificate genuine? Scan the QR code or go to",
    "Score {score} van {max_score}": "Score {score} of {max_score}",
    "Cursus {course}, versie {version}": "Course {course}, version {version}",
    # the PDF's properties (elearning.certificates.render.pdf_metadata)
    "heeft afgerond op": "completed on",
    # the points written out (elearning.certificates.data.format_pe_points)
    "{number} PE-punt": "{number} PE point",
    "{number} PE-punten": "{number} PE points",
}
