"""Pure text safety rules shared by every layer (no Django import): what comes in is normalised
(``normalise``), what goes out is scrubbed of personal data (``scrub``) and spreadsheet formulas are
neutralised in CSV files (``spreadsheet``); French prose the platform writes gets its typographic
apostrophe (``typography``, the catalogue's rule too). The lowest layer of the project: anything may
import it, it imports nothing of the project."""
