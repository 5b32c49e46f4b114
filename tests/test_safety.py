"""No command deletes what it did not write, and every OS error is one line with exit 2 (issue #10).

The folder tests run the real CLI where the refusal must come before any work; the OS errors
are real ones (a missing folder, a folder given as a file, a place the kernel will not let us
write, a file size limit that makes the disk "full" mid-write), since the tests may run as root,
for whom permission bits do not stop a write.
"""

from __future__ import annotations

import os
import resource
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sezkg.errors import OutputError
from sezkg.kg.files import MARKER, building_folder, clean_stale, write_atomic

EXIT_ERROR = 2


def sezkg(*args: str, cwd: Path | None = None, limit_bytes: int | None = None) -> subprocess.CompletedProcess:
    def limit() -> None:  # Python ignores SIGXFSZ, so a write past the limit fails with EFBIG
        if limit_bytes is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))

    return subprocess.run([sys.executable, "-m", "sezkg", *args], capture_output=True, cwd=cwd,
                          preexec_fn=limit, timeout=600)


def one_line_error(proc: subprocess.CompletedProcess) -> str:
    err = proc.stderr.decode()
    assert proc.returncode == EXIT_ERROR, (proc.returncode, err)
    assert err.startswith("sezkg: error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


# ------------------------------------------------------------------ folders it did not build

def test_a_folder_sezkg_did_not_build_is_refused_and_kept(tmp_path):
    target = tmp_path / "mine"
    target.mkdir()
    (target / "thesis.tex").write_text("do not lose me")
    err = one_line_error(sezkg("report", "--out", str(target)))
    assert MARKER in err and "--force" in err
    assert (target / "thesis.tex").read_text() == "do not lose me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine"], "no temporary folder left beside it"


def test_a_folder_sezkg_built_as_another_kind_is_refused_unless_forced(tmp_path):
    """`sezkg tables sezkg-report` once replaced the whole report with four CSV files."""
    report = tmp_path / "sezkg-report"
    report.mkdir()
    (report / MARKER).write_text("built by sezkg report; sezkg replaces this folder whole\n", encoding="utf-8")
    (report / "index.html").write_text("the report")
    for args in (("tables", str(report)), ("viz", "--out", str(report)), ("site", str(report))):
        err = one_line_error(sezkg(*args))
        assert f"was built by `sezkg report`, not `sezkg {args[0]}`" in err and "--force" in err
        assert (report / "index.html").read_text() == "the report"
    assert sezkg("tables", str(report), "--force").returncode == 0
    assert (report / MARKER).read_text(encoding="utf-8").startswith("built by sezkg tables;")
    assert not (report / "index.html").exists()
    assert sezkg("tables", str(report)).returncode == 0  # the same kind again: replaced as before


@pytest.mark.parametrize("where", [".", "..", "~"])
def test_the_working_directory_its_parents_and_home_are_refused_even_with_force(tmp_path, where):
    inner = tmp_path / "work"
    inner.mkdir()
    (inner / "keep.txt").write_text("x")
    target = str(Path.home()) if where == "~" else where
    err = one_line_error(sezkg("site", target, "--force", cwd=inner))
    assert "refusing to replace this folder" in err
    assert (inner / "keep.txt").read_text() == "x"


def test_a_file_given_as_an_output_folder_is_refused_and_kept(tmp_path):
    target = tmp_path / "notes.txt"
    target.write_text("keep")
    err = one_line_error(sezkg("viz", "--out", str(target)))
    assert "is not a folder" in err
    assert target.read_text() == "keep"


def test_force_replaces_a_foreign_folder_and_a_marked_folder_is_replaced_whole(tmp_path):
    target = tmp_path / "out"
    target.mkdir()
    (target / "old.txt").write_text("old")
    with pytest.raises(OutputError):
        with building_folder(target, "test"):
            pass
    with building_folder(target, "test", force=True) as new:
        (new / "a.txt").write_text("a")
    assert sorted(p.name for p in target.iterdir()) == [MARKER, "a.txt"]
    with building_folder(target, "test") as new:  # marked now: no --force needed
        (new / "b.txt").write_text("b")
    assert sorted(p.name for p in target.iterdir()) == [MARKER, "b.txt"]


def test_a_failed_build_leaves_the_old_folder_as_it_was(tmp_path):
    target = tmp_path / "out"
    with building_folder(target, "test") as new:
        (new / "v1.txt").write_text("1")
    with pytest.raises(RuntimeError):
        with building_folder(target, "test") as new:
            (new / "v2.txt").write_text("2")
            raise RuntimeError("the build failed half-way")
    assert sorted(p.name for p in target.iterdir()) == [MARKER, "v1.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_outputs_get_the_users_umask(tmp_path):
    old = os.umask(0o027)
    try:
        with building_folder(tmp_path / "out", "test") as new:
            (new / "a.txt").write_text("a")
        write_atomic(tmp_path / "file.ttl", b"x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "out").stat().st_mode) == 0o750
    assert stat.S_IMODE((tmp_path / "file.ttl").stat().st_mode) == 0o640


def test_stale_temporary_files_of_dead_runs_are_cleaned(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, check=True)
    pid = int(dead.stdout)  # a process that has exited
    stale_file = tmp_path / f".kg.ttl.sezkg-{pid}-abc123.tmp"
    stale_file.write_bytes(b"x" * 1000)
    stale_folder = tmp_path / f".kg.ttl.sezkg-{pid}-def456.new"
    stale_folder.mkdir()
    live_file = tmp_path / f".kg.ttl.sezkg-{os.getpid()}-ghi789.tmp"  # ours: still being written
    live_file.write_bytes(b"y")
    other = tmp_path / f".other.sezkg-{pid}-jkl012.tmp"  # another target: not ours to clean now
    other.write_bytes(b"z")
    removed = clean_stale(tmp_path, "kg.ttl")
    assert sorted(p.name for p in removed) == sorted([stale_file.name, stale_folder.name])
    assert live_file.exists() and other.exists()


# ------------------------------------------------------------------ OS errors: one line, exit 2

def test_a_missing_folder(tmp_path):
    err = one_line_error(sezkg("export", "--format", "nquads", "--output", str(tmp_path / "no" / "such" / "kg.nq")))
    assert "does not exist" in err


def test_a_folder_given_as_an_output_file(tmp_path):
    err = one_line_error(sezkg("export", "--format", "nquads", "--output", str(tmp_path)))
    assert "is a folder" in err


def test_a_place_the_kernel_will_not_let_us_write():
    # /proc refuses new files even to root: the same path as a read-only folder.
    err = one_line_error(sezkg("export", "--format", "nquads", "--output", "/proc/sezkg-kg.nq"))
    assert "/proc/sezkg-kg.nq" in err


def test_an_output_under_a_file_names_the_file(tmp_path):
    """Under a regular file, a file was said to be in a folder that "does not exist" and a folder
    failed with "File exists", a report's only after loading all the data; a kernel file system
    that takes nothing was "No such file or directory"."""
    afile = tmp_path / "afile"
    afile.write_text("hi")
    for output in (afile / "x.trig", afile / "a" / "b" / "x.trig"):
        err = one_line_error(sezkg("export", "--format", "trig", "--output", str(output)))
        assert err == f"sezkg: error: {output}: cannot write: {afile} is a file, not a folder\n"
    for verb in (["report", "--out"], ["viz", "--out"], ["tables"]):
        err = one_line_error(sezkg(*verb, str(afile / "sub")))
        assert err == f"sezkg: error: {afile / 'sub'}: cannot create the folder: {afile} is a file, not a folder\n"
    (tmp_path / "link").symlink_to(tmp_path / "nothing")
    err = one_line_error(sezkg("export", "--format", "trig", "--output", str(tmp_path / "link" / "x.trig")))
    assert err.endswith(f": cannot write: {tmp_path / 'link'} is a link to nothing, not a folder\n")
    assert afile.read_text() == "hi" and sorted(p.name for p in tmp_path.iterdir()) == ["afile", "link"]
    err = one_line_error(sezkg("viz", "--out", "/proc/sezkg-nope"))
    assert err == "sezkg: error: /proc/sezkg-nope: cannot create the folder: the file system of /proc takes no new folders\n"
    err = one_line_error(sezkg("export", "--format", "nquads", "--output", "/proc/sezkg-kg.nq"))
    assert err == "sezkg: error: /proc/sezkg-kg.nq: cannot write: the file system of /proc takes no new files\n"


def test_a_report_under_a_file_is_refused_before_loading(tmp_path):
    (tmp_path / "afile").write_text("hi")
    proc = sezkg("report", "--out", str(tmp_path / "afile" / "sub"))
    assert "is a file, not a folder" in one_line_error(proc)  # one line: no "[1/5] load" before it


def test_a_full_disk_mid_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "kg.nq"
    target.write_text("the old export\n")
    err = one_line_error(sezkg("export", "--format", "nquads", "--output", str(target), limit_bytes=64 * 1024))
    assert str(target) in err
    assert target.read_text() == "the old export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kg.nq"]


def test_a_full_disk_while_building_a_folder_keeps_the_old_folder(tmp_path):
    target = tmp_path / "site"
    with building_folder(target, "site") as new:
        (new / "index.html").write_text("old site")
    one_line_error(sezkg("site", str(target), limit_bytes=64 * 1024))
    assert (target / "index.html").read_text() == "old site"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


# ------------------------------------------------------------------ nothing reaches another server

def test_nothing_in_a_query_or_a_data_file_makes_sezkg_connect_anywhere(tmp_path, kg):
    from servers import counting_listener

    import sezkg
    from sezkg.errors import SezkgError, UsageError

    with counting_listener() as (port, seen):
        url = f"http://127.0.0.1:{port}/x"
        # SERVICE in the embedded store is refused before the store sees it; FROM is read by the
        # store itself, never as a document to fetch.
        with pytest.raises(UsageError):
            kg.select(f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}")
        kg.select(f"SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }} LIMIT 1")
        # owl:imports in a data file is data, not an instruction: it loads and validates offline.
        trig = tmp_path / "imports.trig"
        trig.write_text(f"""@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix sez: <https://w3id.org/sezkg/ontology#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<https://w3id.org/sezkg/source/t> {{
  <https://w3id.org/sezkg/source/t> a sez:Source ; owl:imports <{url}> ;
      dcterms:title "t" ; dcterms:publisher <https://w3id.org/sezkg/id/org/t> ; dcterms:issued "2026"^^<http://www.w3.org/2001/XMLSchema#gYear> .
}}
""")
        loaded = sezkg.load(data=[trig])
        sezkg.validate(loaded)
        # A JSON-LD file with a remote @context is refused, not fetched.
        remote = tmp_path / "remote.jsonld"
        remote.write_text(f'{{"@context": "{url}", "@id": "https://w3id.org/sezkg/id/zone/x", "label": "x"}}')
        with pytest.raises(SezkgError):
            sezkg.load(data=[remote])
        time.sleep(0.5)
        assert seen == []


EVIL_DATA = """\
@prefix sez: <https://w3id.org/sezkg/ontology#> .
@prefix schema: <https://schema.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<https://w3id.org/sezkg/source/evil> {
  <https://w3id.org/sezkg/source/evil> a sez:Source ; rdfs:label "Evil"@en ; dcterms:title "Evil"@en ;
      dcterms:creator "Nobody" ; dcterms:issued "2025"^^<http://www.w3.org/2001/XMLSchema#gYear> ;
      schema:url <javascript:alert(document.domain)> .
  <https://w3id.org/sezkg/id/zone/akmola> rdfs:seeAlso <JavaScript:alert(2)> , <data:text/html,x> ,
      <https://example.org/fine> .
}
"""


def test_an_iri_of_another_scheme_than_http_is_never_a_link(tmp_path):
    """A data file may hold IRIs of any scheme; the site's pages and the report's network page
    link only http(s) ones and show the rest as text (a javascript: link would run on the site's
    host when clicked)."""
    import json
    import re

    from sezkg.kg.load import load
    from sezkg.kg.resources import default_files
    from sezkg.views.site import build_site
    from sezkg.views.viz import network_data

    (tmp_path / "evil.trig").write_text(EVIL_DATA, encoding="utf-8")
    kg = load(data=[default_files().data, tmp_path / "evil.trig"])
    build_site(kg, tmp_path / "site")
    akmola = (tmp_path / "site" / "id" / "zone" / "akmola" / "index.html").read_text(encoding="utf-8")
    assert "JavaScript:alert(2)" in akmola and "data:text/html,x" in akmola
    assert 'href="https://example.org/fine"' in akmola
    evil = (tmp_path / "site" / "source" / "evil" / "index.html").read_text(encoding="utf-8")
    assert "javascript:alert(document.domain)" in evil
    hrefs = [h for page in (tmp_path / "site").rglob("*.html")
             for h in re.findall(r'<a [^>]*href="([^"]*)"', page.read_text(encoding="utf-8"))]
    assert len(hrefs) > 1000
    schemes = {h.split(":", 1)[0].lower() for h in hrefs if re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", h)}
    assert schemes == {"http", "https"}
    # The network page's data keeps the url as the data has it; its script links only http(s)
    # (tests/test_browser.py opens it).
    facts = network_data(kg)["facts"]["https://w3id.org/sezkg/id/zone/akmola"]
    assert "javascript:alert(document.domain)" in json.dumps(facts)
