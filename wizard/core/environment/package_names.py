"""Name knowledge: the standard library, import→distribution mismatches, platform-only packages,
and the bundled list of popular PyPI names.

Everything here is data plus tiny lookups; `resolve.py` decides the order in which it is used.
"""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path

from wizard.core.common.lazy_regex import lazy_compile
from wizard.core.environment.validators.os_only import pip_system

_NORMALISE = lazy_compile(r"[-_.]+")


def normalise(name: str) -> str:
    """PEP 503 form: `Scikit_Learn` and `scikit-learn` are the same distribution."""
    if "_" not in name and "." not in name and "--" not in name:  # most names: no regex needed
        return name.lower()
    return _NORMALISE.sub("-", name).lower()


# Modules of Python 2 and modules removed from recent Python 3 releases: never on PyPI under
# that name, so an import of one is old code, not a missing requirement. Together with
# sys.stdlib_module_names the answer does not depend on which Python runs binder-wizard.
_OLD_STDLIB = frozenset("""
__builtin__ anydbm BaseHTTPServer CGIHTTPServer ConfigParser Cookie cookielib copy_reg cPickle cStringIO commands
dbhash dumbdbm exceptions future_builtins gdbm htmlentitydefs HTMLParser httplib md5 mimetools Queue robotparser
sets sha SimpleHTTPServer SocketServer StringIO thread Tkinter tkFileDialog tkMessageBox tkSimpleDialog ttk
urllib2 urlparse UserDict UserList UserString whichdb xmlrpclib
asynchat asyncore audioop cgi cgitb chunk crypt distutils imghdr imp lib2to3 mailcap msilib nis nntplib
ossaudiodev pipes smtpd sndhdr spwd sunau telnetlib tkinter uu xdrlib
""".split())


def is_stdlib(top_level: str) -> bool:
    return top_level in sys.stdlib_module_names or top_level in _OLD_STDLIB or top_level in sys.builtin_module_names


# Import name (possibly dotted) -> distribution name, where the two differ. Longest dotted prefix wins.
# A value of None means "not installable from PyPI" (Colab-only, browser-only): reported as unresolved.
MISMATCHES: dict[str, str | None] = {
    "sklearn": "scikit-learn", "skimage": "scikit-image", "skopt": "scikit-optimize", "skbio": "scikit-bio",
    "sksurv": "scikit-survival", "skmultilearn": "scikit-multilearn", "skvideo": "scikit-video",
    "imblearn": "imbalanced-learn", "umap": "umap-learn", "faiss": "faiss-cpu",
    "cv2": "opencv-python", "PIL": "Pillow", "yaml": "PyYAML", "bs4": "beautifulsoup4",
    "dateutil": "python-dateutil", "Bio": "biopython", "attr": "attrs", "dotenv": "python-dotenv",
    "jwt": "PyJWT", "serial": "pyserial", "git": "GitPython", "github": "PyGithub", "gitlab": "python-gitlab",
    "zmq": "pyzmq", "MySQLdb": "mysqlclient", "docx": "python-docx", "pptx": "python-pptx", "fitz": "PyMuPDF",
    "osgeo": "GDAL", "gdal": "GDAL", "ogr": "GDAL", "osr": "GDAL",
    "magic": "python-magic", "Crypto": "pycryptodome", "Cryptodome": "pycryptodomex", "OpenSSL": "pyOpenSSL",
    "nacl": "PyNaCl", "socks": "PySocks", "usb": "pyusb", "wx": "wxPython", "gi": "PyGObject", "cairo": "pycairo",
    "dns": "dnspython", "telegram": "python-telegram-bot", "discord": "discord.py", "slugify": "python-slugify",
    "jose": "python-jose", "multipart": "python-multipart", "socketio": "python-socketio",
    "engineio": "python-engineio", "websocket": "websocket-client", "Xlib": "python-xlib", "ldap": "python-ldap",
    "nmap": "python-nmap", "memcache": "python-memcached", "jenkins": "python-jenkins", "snappy": "python-snappy",
    "can": "python-can", "bluetooth": "PyBluez", "OpenGL": "PyOpenGL", "pkg_resources": "setuptools",
    "pyximport": "Cython", "community": "python-louvain", "kafka": "kafka-python", "grpc": "grpcio",
    "bson": "pymongo", "gridfs": "pymongo", "pdfminer": "pdfminer.six", "odf": "odfpy", "tabula": "tabula-py",
    "camelot": "camelot-py", "speech_recognition": "SpeechRecognition", "ffmpeg": "ffmpeg-python",
    "newspaper": "newspaper3k", "talib": "TA-Lib", "solcx": "py-solc-x", "consul": "python-consul",
    "office365": "Office365-REST-Python-Client", "slack": "slackclient", "impala": "impyla",
    "cassandra": "cassandra-driver", "weaviate": "weaviate-client", "ee": "earthengine-api",
    "rest_framework": "djangorestframework", "corsheaders": "django-cors-headers", "environ": "django-environ",
    "decouple": "python-decouple", "factory": "factory-boy", "feather": "feather-format",
    "strawberry": "strawberry-graphql", "pylab": "matplotlib", "mpl_toolkits": "matplotlib",
    "mpl_toolkits.basemap": "basemap", "googleapiclient": "google-api-python-client",
    "apiclient": "google-api-python-client", "vertexai": "google-cloud-aiplatform", "IPython": "ipython",
    "Levenshtein": "Levenshtein", "sentencepiece": "sentencepiece", "docopt": "docopt",
    "tensorflow_text": "tensorflow-text", "stable_baselines3": "stable-baselines3", "igraph": "igraph",
    "lal": "lalsuite", "ROOT": None, "pyodide": None, "js": None, "micropip": None,
    "keras_tuner": "keras-tuner", "editdistance": "editdistance", "Image": None,
    # Namespace packages: resolved by their dotted path.
    "google.cloud.storage": "google-cloud-storage", "google.cloud.bigquery": "google-cloud-bigquery",
    "google.cloud.aiplatform": "google-cloud-aiplatform", "google.protobuf": "protobuf",
    "google.auth": "google-auth", "google.oauth2": "google-auth", "google.api_core": "google-api-core",
    "google.genai": "google-genai", "google.generativeai": "google-generativeai",
    "google.colab": None,
    "azure.storage.blob": "azure-storage-blob", "azure.identity": "azure-identity", "azure.core": "azure-core",
    "snowflake.connector": "snowflake-connector-python",
    "snowflake.snowpark": "snowflake-snowpark-python", "databricks.sql": "databricks-sql-connector",
    "databricks.sdk": "databricks-sdk", "paho.mqtt": "paho-mqtt", "ruamel.yaml": "ruamel.yaml",
    "opentelemetry.sdk": "opentelemetry-sdk", "opentelemetry.trace": "opentelemetry-api",
}

# Top-level names whose sub-packages come from different distributions: never matched by the
# bare name, only by a dotted path ("google.cloud.storage" -> google-cloud-storage).
NAMESPACE_ROOTS = frozenset(
    {"google", "azure", "zope", "jaraco", "sphinxcontrib", "backports", "ruamel", "paho", "snowflake",
     "databricks", "opentelemetry", "oslo", "plone", "collective", "flufl"}
)

# Other distributions that provide the same import: if the project already declares (or
# `%pip install`s) one of these, that one is the requirement, not the default above.
ALTERNATIVES: dict[str, tuple[str, ...]] = {
    "cv2": ("opencv-python", "opencv-python-headless", "opencv-contrib-python", "opencv-contrib-python-headless"),
    "psycopg2": ("psycopg2", "psycopg2-binary"),
    "faiss": ("faiss-cpu", "faiss-gpu"),
    "PIL": ("Pillow", "pillow-simd"),
    "jwt": ("PyJWT",),
    "tensorflow": ("tensorflow", "tensorflow-cpu", "tensorflow-gpu"),
    "torch": ("torch",),
    "yaml": ("PyYAML",),
    "magic": ("python-magic", "python-magic-bin"),
    "Crypto": ("pycryptodome", "pycrypto"),
    "igraph": ("igraph", "python-igraph"),
    "mpl_toolkits": ("matplotlib",),
    "mpl_toolkits.basemap": ("basemap",),
    "serial": ("pyserial",),
    "umap": ("umap-learn",),
    "sklearn": ("scikit-learn",),
    "osgeo": ("GDAL", "gdal"),
}

# Imports that only exist on one operating system: never a Linux (Binder) requirement. The distributions are
# those of validators/os_only.py (pywinauto is not: its wheel declares python-xlib for Linux).
PLATFORM_IMPORTS: dict[str, tuple[str, str]] = {
    **{name: ("pywin32", "Windows") for name in (
        "win32api win32con win32gui win32com win32clipboard win32file win32event win32process win32service "
        "win32serviceutil win32print win32ui win32pipe win32security win32net win32pdh win32timezone win32job "
        "win32crypt win32cred win32console pythoncom pywintypes winerror win32comext").split()},
    "wmi": ("WMI", "Windows"), "winshell": ("winshell", "Windows"),
    "winpty": ("pywinpty", "Windows"), "comtypes": ("comtypes", "Windows"), "wexpect": ("wexpect", "Windows"),
    "pyreadline": ("pyreadline", "Windows"), "pyreadline3": ("pyreadline3", "Windows"),
    **{name: ("pyobjc", "macOS") for name in
       "AppKit Foundation Quartz objc Cocoa CoreFoundation WebKit ScriptingBridge".split()},
    "appnope": ("appnope", "macOS"),
}

def platform_of_distribution(name: str) -> str | None:
    """The one system a distribution is for (evidence for each in validators/os_only.py, the one list)."""
    bound = pip_system(normalise(name))
    return bound[0] if bound else None


@lru_cache(maxsize=1)
def popular_distributions() -> dict[str, None]:
    """The bundled list of popular names (wizard/data/popular_pypi.txt, already normalised), most popular first:
    an ordered set (a dict without values builds in half the time of a name -> name map)."""
    path = Path(__file__).resolve().parents[2] / "data" / "popular_pypi.txt"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:  # installed somewhere without plain files (a zip): ask importlib
        from importlib import resources

        text = resources.files("wizard").joinpath("data", "popular_pypi.txt").read_text(encoding="utf-8")
    lines = text.split("\n")
    start = next((i for i, line in enumerate(lines) if line and not line.startswith("#")), len(lines))
    names = dict.fromkeys(lines[start:])  # the comments are the file's first lines
    names.pop("", None)
    return names


def curated(dotted: str) -> tuple[str, str | None] | None:
    """The longest dotted prefix of `dotted` in MISMATCHES: (matched prefix, distribution or None)."""
    parts = dotted.split(".")
    for end in range(len(parts), 0, -1):
        prefix = ".".join(parts[:end])
        if prefix in MISMATCHES:
            return prefix, MISMATCHES[prefix]
    return None


def popular(dotted: str) -> str | None:
    """A popular distribution whose name is the import name (for namespace packages: the dotted path)."""
    names = popular_distributions()
    parts = dotted.split(".")
    if parts[0] in NAMESPACE_ROOTS:
        for end in range(len(parts), 1, -1):
            name = normalise(".".join(parts[:end]))
            if name in names:
                return name
        return None
    name = normalise(parts[0])
    return name if name in names else None


# --- near misses: a typo of a popular name, found offline ------------------------------------------------

_MIN_NEAR_MISS = 5  # shorter names are too often one letter from another real package


@lru_cache(maxsize=64)
def _deletions(length: int) -> dict[str, tuple[str, ...]]:
    """Popular names of `length` characters with one character deleted -> the names that give it, most popular
    first. Built per length on first use (a few ms each): a whole index would cost `check` 0.4 s at start."""
    index: dict[str, list[str]] = {}
    for name in popular_distributions():
        if len(name) == length:
            for i in range(length):
                index.setdefault(name[:i] + name[i + 1:], []).append(name)
    return {key: tuple(names) for key, names in index.items()}


@lru_cache(maxsize=1)
def _ranks() -> dict[str, int]:
    return {name: rank for rank, name in enumerate(popular_distributions())}


def _distance(a: str, b: str, limit: int = 2) -> int:
    """Optimal string alignment distance (a transposition counts once), or limit + 1 when it is more."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2, previous = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (ca != cb))
            if previous2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], previous2[j - 2] + 1)
        if min(row) > limit:
            return limit + 1
        previous2, previous = previous, row
    return previous[-1]


@lru_cache(maxsize=1)
def _mismatch_targets() -> frozenset[str]:
    """The distribution names the mismatch table points to (normalised once, not per requirement line)."""
    return frozenset(normalise(v) for v in MISMATCHES.values() if v)


@lru_cache(maxsize=8192)  # live validation asks again for the same names at every pause in typing
def near_miss(name: str) -> str | None:
    """The popular PyPI name `name` is probably a typo of (one or two letters off: `matplotlb` -> matplotlib,
    `pandsa` -> pandas), or None when `name` is itself known or nothing popular is that close. Offline: the
    bundled list only. The most popular of the closest wins."""
    key = normalise(name)
    names = popular_distributions()
    if len(key) < _MIN_NEAR_MISS or key in names or key in _mismatch_targets():
        return None
    candidates = set(_deletions(len(key) + 1).get(key, ()))  # one letter missing from a popular name
    same_length = _deletions(len(key))
    for i in range(len(key)):  # one letter too many, or (both sides) one letter different / swapped
        shorter = key[:i] + key[i + 1:]
        if shorter in names:
            candidates.add(shorter)
        candidates.update(same_length.get(shorter, ()))
    ranked = _ranks()
    best = sorted((d, ranked[n], n) for n in candidates if (d := _distance(key, n)) <= 2)
    return best[0][2] if best else None
