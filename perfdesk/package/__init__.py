"""Signed submission packages (.pdpkg): unit identities, building, verifying, importing, reviews.

Modules: keys (certificates, fingerprints, signatures), identity (the unit's key, encrypted in the
store), registration (公钥登记表 PDF), archive_safety (reading untrusted zips in memory), manifest,
formdata (document shape, finance-only cells), pdfsign (PAdES), builder, verifier, importer, review.
Sending a stored form and a level's review moves on it are perfdesk/app (form_submission, review_moves).
No Qt here; the GUI calls these functions (off its own thread) like the CLI does.
"""

PACKAGE_SUFFIX = ".pdpkg"
