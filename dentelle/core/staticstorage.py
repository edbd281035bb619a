"""Static files storage for DEBUG off: whitenoise's hashed + compressed files, with django-dsfr's files
kept byte for byte.

django-dsfr links its CSS and JS with Subresource Integrity hashes of the files as shipped. Django's manifest
storage rewrites the url(...) and sourceMappingURL references inside CSS/JS files to their hashed names,
which changes the bytes: the browser then refuses the DSFR stylesheet and every page shows unstyled. The
DSFR files are left as they are (their references still resolve: collectstatic keeps the unhashed copies).
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage

UNTOUCHED_PREFIXES = ("dsfr/",)


class DentelleStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def url_converter(self, name, hashed_files, template=None):
        if name.replace("\\", "/").startswith(UNTOUCHED_PREFIXES):
            return _unchanged
        return super().url_converter(name, hashed_files, template)


def _unchanged(matchobj):
    return matchobj.group(0)
