#!/usr/bin/env python3
"""Write the seed corpora of the fuzz targets (fuzz/corpus/<target>/), all generated here:
small IDX files (plain and gzip, valid and damaged), the preprocessing fixture's CSV files,
hand-written e-mails (plain, multipart, HTML, quoted-printable, base64), a two-message
SpamAssassin-style tar.bz2, folders of IDX files for the import target, and model files of
every kind (binary and JSON) made by `classify train` on the embedded sample.

    python3 scripts/fuzz_seeds.py
"""

import bz2
import gzip
import hashlib
import io
import pathlib
import struct
import subprocess
import tarfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz/corpus"


def idx(dims, data):
    return bytes([0, 0, 8, len(dims)]) + b"".join(struct.pack(">I", d) for d in dims) + bytes(data)


def put(target, name, data):
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data)


images = idx([3, 4, 4], [(i * 37) % 256 for i in range(48)])
labels = idx([3], [1, 7, 3])
for name, data in [("images", images), ("labels", labels), ("empty", idx([0, 28, 28], []))]:
    put("idx", name, data)
    put("idx", name + ".gz", gzip.compress(data, mtime=0))
put("idx", "truncated", images[:30])
put("idx", "lying-header", idx([100000, 28, 28], [0] * 16))
put("idx", "bad-magic", b"\x01\x02\x08\x03" + images[4:])

for f in ("train.csv", "test.csv"):
    put("csv_table", f, (ROOT / "crates/preprocessing/tests/fixtures" / f).read_bytes())
put("csv_table", "quoted", b'id,name,age\n1,"Braund, Mr. Owen",22\n2,"x ""y""",\n3,,38.5\n')

mails = {
    "plain": b"From: a@b.c\nSubject: Hello\n\nSee http://example.com for 1,000 offers!\n",
    "html": b"Subject: Sale\nContent-Type: text/html\n\n<html><body><p>Buy <b>now</b> &amp; save</p></body></html>\n",
    "multipart": b"Subject: =?utf-8?B?Q2Fmw6k=?=\nMIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=\"XX\"\n\n--XX\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\nna=EFve caf=E9\n--XX\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: base64\n\nPGI+aGk8L2I+\n--XX--\n",
}
for name, raw in mails.items():
    put("email", name, b"\x3f" + raw)


def spam_tar(messages):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for i, m in enumerate(messages, 1):
            info = tarfile.TarInfo(f"spam/{i:05d}.{hashlib.md5(m).hexdigest()}")
            info.size = len(m)
            info.mtime = 0
            tar.addfile(info, io.BytesIO(m))
        info = tarfile.TarInfo("spam/cmds")
        info.size = 3
        tar.addfile(info, io.BytesIO(b"rm\n"))
    return bz2.compress(buf.getvalue())


put("spam_archive", "two", spam_tar([mails["plain"], mails["html"]]))
put("spam_archive", "one", spam_tar([mails["plain"]]))

put("import_folder", "complete", b"\xff".join([images, labels, images, labels]))
put("import_folder", "gzip", b"\xff".join(gzip.compress(x, mtime=0) for x in [images, labels, images, labels]))
(CORPUS / "model_file").mkdir(parents=True, exist_ok=True)
for kind in ["knn", "forest", "sgd", "logistic", "svc"]:
    for fmt in ["binary", "json"]:
        out = CORPUS / "model_file" / f"{kind}-{fmt}"
        subprocess.run(
            ["cargo", "run", "--release", "--quiet", "--", "train", "--train", "150", "--model",
             kind, "--format", fmt, "--save", str(out), "--json"],
            cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
print(f"seeds written under {CORPUS}")
