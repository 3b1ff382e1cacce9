#!/usr/bin/env python3
"""Hub cache interoperability between jretrieve's hub package and huggingface_hub
(issue 11 item 6), offline on loopback.

A fake Hub (revision info, paginated-free tree listing, resolve URLs, LFS files
redirected to a "CDN" path) runs on 127.0.0.1. Then:

  go -> python  `jretrieve download` fills cache A from the fake Hub; Python's
                hf_hub_download(local_files_only=True), snapshot_download(
                local_files_only=True) and scan_cache_dir() must find every file
                with the right bytes and no warning.
  python -> go  huggingface_hub (HF_ENDPOINT = the fake Hub) fills cache B;
                `jretrieve download --offline` must find every file.

Usage:
  python scripts/reference/hub_interop.py            # both cross-checks, prints a summary
  python scripts/reference/hub_interop.py --fixture  # rewrites hub/testdata/hf-cache-python
                                                      # (cache B as huggingface_hub lays it out)
The fixture is what CI checks (hub/pycache_test.go), since CI runs Go only.
"""
import argparse
import hashlib
import http.server
import io
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import urllib.parse
import warnings

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURE = os.path.join(ROOT, "hub", "testdata", "hf-cache-python")


def git_sha1(b):
    return hashlib.sha1(b"blob %d\0" % len(b) + b).hexdigest()


# Repositories: (type, id) -> {revision: commit}, commit -> {path: (bytes, lfs)}
REPOS = {
    ("model", "jr-test/tiny-model"): {
        "refs": {"main": "1" * 40},
        "commits": {"1" * 40: {
            "config.json": (b'{"model_type": "bert", "hidden_size": 8}\n', False),
            "tokenizer/vocab.txt": ("[PAD]\n[UNK]\n[CLS]\n[SEP]\n日本\n語\n".encode(), False),
            "model.safetensors": (bytes(range(256)) * 40, True),
            "README.md": (b"# tiny\n", False),
        }},
    },
    ("dataset", "jr-test/tiny-ds"): {
        "refs": {"main": "2" * 40, "refs/convert/parquet": "3" * 40},
        "commits": {
            "2" * 40: {"data/test.jsonl": (b'{"q": "\xe5\xb1\xb1"}\n', False)},
            "3" * 40: {"default/test/0000.parquet": (b"PAR1" + bytes(5000) + b"PAR1", True)},
        },
    },
}


def lfs_sha(b):
    return hashlib.sha256(b).hexdigest()


def pointer(b):
    return ("version https://git-lfs.github.com/spec/v1\noid sha256:%s\nsize %d\n" % (lfs_sha(b), len(b))).encode()


class FakeHub(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    log = []

    def log_message(self, fmt, *args):
        FakeHub.log.append(fmt % args)

    def _send(self, code, body=b"", headers=None, head=False):
        self.send_response(code)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)) if not (headers or {}).get("Content-Length") else headers["Content-Length"])
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _json(self, obj):
        self._send(200, json.dumps(obj).encode(), {"Content-Type": "application/json"})

    def _repo(self, typ, rid):
        return REPOS.get((typ, rid))

    def do_HEAD(self):
        self.handle_any(head=True)

    def do_GET(self):
        self.handle_any(head=False)

    def handle_any(self, head):
        u = urllib.parse.urlsplit(self.path)
        parts = u.path.split("/")
        # /cdn/<sha256>
        if u.path.startswith("/cdn/"):
            sha = parts[2]
            for repo in REPOS.values():
                for files in repo["commits"].values():
                    for b, lfs in files.values():
                        if lfs and lfs_sha(b) == sha:
                            return self._range(b, head)
            return self._send(404, head=head)
        # /api/{models,datasets}/{org}/{name}/{revision|tree}/{rev...}
        if u.path.startswith("/api/"):
            typ = parts[2][:-1]
            rid = "/".join(parts[3:5])
            repo = self._repo(typ, rid)
            if repo is None:
                return self._send(404, b'{"error":"Repository not found"}', {"X-Error-Code": "RepoNotFound"}, head)
            what = parts[5]
            rev = urllib.parse.unquote("/".join(parts[6:]))
            commit = repo["refs"].get(rev, rev if rev in repo["commits"] else None)
            if commit is None:
                return self._send(404, b'{"error":"Revision not found"}', {"X-Error-Code": "RevisionNotFound"}, head)
            files = repo["commits"][commit]
            if what == "revision":
                return self._json({"id": rid, "sha": commit, "siblings": [{"rfilename": p} for p in sorted(files)]})
            if what == "tree":
                out, dirs = [], set()
                for p in sorted(files):
                    b, lfs = files[p]
                    d = p.rsplit("/", 1)[0] if "/" in p else None
                    while d and d not in dirs:
                        dirs.add(d)
                        out.append({"type": "directory", "oid": "0" * 40, "size": 0, "path": d})
                        d = d.rsplit("/", 1)[0] if "/" in d else None
                    e = {"type": "file", "path": p}
                    if lfs:
                        ptr = pointer(b)
                        e.update(oid=git_sha1(ptr), size=len(b), lfs={"oid": lfs_sha(b), "size": len(b), "pointerSize": len(ptr)})
                    else:
                        e.update(oid=git_sha1(b), size=len(b))
                    out.append(e)
                return self._json(out)
            return self._send(404, head=head)
        # /[datasets/]{org}/{name}/resolve/{rev}/{path}
        typ = "model"
        if parts[1] == "datasets":
            typ, parts = "dataset", parts[1:]
        rid = "/".join(parts[1:3])
        repo = self._repo(typ, rid)
        if repo is None or len(parts) < 6 or parts[3] != "resolve":
            return self._send(404, head=head)
        rev = urllib.parse.unquote(parts[4])
        path = urllib.parse.unquote("/".join(parts[5:]))
        commit = repo["refs"].get(rev, rev if rev in repo["commits"] else None)
        if commit is None or path not in repo["commits"][commit]:
            return self._send(404, b"Entry not found", {"X-Error-Code": "EntryNotFound", "X-Repo-Commit": commit or ""}, head)
        b, lfs = repo["commits"][commit][path]
        if lfs:
            sha = lfs_sha(b)
            return self._send(302, b"", {"Location": "http://localhost:%d/cdn/%s" % (self.server.server_address[1], sha),  "X-Repo-Commit": commit,  # CDN: another host
                                         "ETag": '"%s"' % git_sha1(pointer(b)), "X-Linked-Etag": '"%s"' % sha,
                                         "X-Linked-Size": str(len(b))}, head)
        return self._range(b, head, {"X-Repo-Commit": commit, "ETag": '"%s"' % git_sha1(b)})

    def _range(self, b, head, extra=None):
        h = dict(extra or {})
        rng = self.headers.get("Range")
        if rng and rng.startswith("bytes="):
            start = int(rng[6:].split("-")[0])
            body = b[start:]
            h["Content-Range"] = "bytes %d-%d/%d" % (start, len(b) - 1, len(b))
            return self._send(206, body, h, head)
        return self._send(200, b, h, head)


def serve():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeHub)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv, "http://127.0.0.1:%d" % srv.server_address[1]


def expected():
    """(type, id, revision) -> {path: bytes}"""
    out = {}
    for (typ, rid), repo in REPOS.items():
        for rev, commit in repo["refs"].items():
            out[(typ, rid, rev)] = {p: b for p, (b, _) in repo["commits"][commit].items()}
    return out


def python_download(endpoint, cache):
    """Fill cache with huggingface_hub from the fake Hub (snapshots of every
    revision, one hf_hub_download per file, and a missing file -> .no_exist)."""
    os.environ["HF_ENDPOINT"] = endpoint
    os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
    os.environ["HF_HUB_DISABLE_PROGRESS_BARS"] = "1"
    import huggingface_hub
    from huggingface_hub import constants
    constants.ENDPOINT = endpoint
    constants.HUGGINGFACE_CO_URL_TEMPLATE = endpoint + "/{repo_id}/resolve/{revision}/{filename}"
    from huggingface_hub import hf_hub_download, snapshot_download
    from huggingface_hub.errors import EntryNotFoundError
    for (typ, rid, rev), files in sorted(expected().items()):
        snapshot_download(rid, repo_type=typ, revision=rev, cache_dir=cache, endpoint=endpoint)
        for p in sorted(files):
            hf_hub_download(rid, p, repo_type=typ, revision=rev, cache_dir=cache, endpoint=endpoint)
    try:
        hf_hub_download("jr-test/tiny-model", "missing.txt", cache_dir=cache, endpoint=endpoint)
    except EntryNotFoundError:
        pass
    return huggingface_hub.__version__


def jretrieve_bin():
    exe = os.path.join(tempfile.mkdtemp(prefix="jr-bin-"), "jretrieve")
    subprocess.run(["go", "build", "-o", exe, "./cmd/jretrieve"], cwd=ROOT, check=True)
    return exe


def run(cmd, env):
    p = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("%s: exit %d\n%s" % (" ".join(cmd), p.returncode, p.stderr))
    return p.stdout


def go_download(exe, endpoint, cache, offline=False):
    """Run `jretrieve download` for every revision; returns {key: snapshot dir}."""
    env = dict(os.environ, HF_ENDPOINT=endpoint, HF_HUB_CACHE=cache)
    dirs = {}
    for (typ, rid, rev) in sorted(expected()):
        cmd = [exe, "download", "--quiet", "--cache-dir", cache, "--type", typ, "--revision", rev]
        if offline:
            cmd.append("--offline")
        out = run(cmd + [rid], env)
        dirs[(typ, rid, rev)] = out.strip()
        # single files too
        files = sorted(expected()[(typ, rid, rev)])
        out = run(cmd + [rid] + files, env)
        for p, got in zip(files, out.split("\n")):
            with open(got, "rb") as f:
                assert f.read() == expected()[(typ, rid, rev)][p], (typ, rid, rev, p, got)
    return dirs


def check_snapshot_dir(d, files, label):
    for p, b in files.items():
        with open(os.path.join(d, p), "rb") as f:
            assert f.read() == b, (label, p)
    n = sum(len(fs) for _, _, fs in os.walk(d))
    assert n == len(files), (label, "files in snapshot", n, len(files))


def python_reads(cache):
    """Python finds everything in cache (made by jretrieve) with no warning."""
    from huggingface_hub import hf_hub_download, scan_cache_dir, snapshot_download
    buf = io.StringIO()
    handler = logging.StreamHandler(buf)
    logging.getLogger("huggingface_hub").addHandler(handler)
    n = 0
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        for (typ, rid, rev), files in sorted(expected().items()):
            for p, b in sorted(files.items()):
                got = hf_hub_download(rid, p, repo_type=typ, revision=rev, cache_dir=cache, local_files_only=True)
                with open(got, "rb") as f:
                    assert f.read() == b, (rid, rev, p)
                n += 1
            d = snapshot_download(rid, repo_type=typ, revision=rev, cache_dir=cache, local_files_only=True)
            check_snapshot_dir(d, files, (typ, rid, rev))
        info = scan_cache_dir(cache)
    logging.getLogger("huggingface_hub").removeHandler(handler)
    assert not info.warnings, info.warnings
    assert not w, [str(x.message) for x in w]
    assert not buf.getvalue(), buf.getvalue()
    repos = {(r.repo_type, r.repo_id): r for r in info.repos}
    assert set(repos) == {k for k in REPOS}, repos.keys()
    for (typ, rid), repo in REPOS.items():
        r = repos[(typ, rid)]
        refs = {ref for rev in r.revisions for ref in rev.refs}
        assert refs == set(repo["refs"]), (rid, refs)
        assert r.nb_files == sum(len(f) for f in repo["commits"].values()), (rid, r.nb_files)
        want = sum(len(b) for f in repo["commits"].values() for b, _ in f.values())
        assert r.size_on_disk == want, (rid, r.size_on_disk, want)
    return n, len(info.repos)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fixture", action="store_true", help="rewrite hub/testdata/hf-cache-python")
    a = ap.parse_args()
    srv, endpoint = serve()
    tmp = tempfile.mkdtemp(prefix="hub-interop-")
    try:
        if a.fixture:
            cache = os.path.join(tmp, "py")
            python_download(endpoint, cache)
            shutil.rmtree(FIXTURE, ignore_errors=True)
            shutil.copytree(cache, FIXTURE, symlinks=True, ignore=shutil.ignore_patterns(".locks"))
            print("wrote", os.path.relpath(FIXTURE, ROOT))
            return
        exe = jretrieve_bin()
        # go -> python
        a_cache = os.path.join(tmp, "go")
        go_download(exe, endpoint, a_cache)
        nfiles, nrepos = python_reads(a_cache)
        print("go -> python: %d files, %d repos found by hf_hub_download/snapshot_download(local_files_only=True), "
              "scan_cache_dir: 0 warnings" % (nfiles, nrepos))
        # python -> go
        b_cache = os.path.join(tmp, "py")
        ver = python_download(endpoint, b_cache)
        srv.shutdown()  # nothing may reach the Hub now
        dirs = go_download(exe, "http://127.0.0.1:9", b_cache, offline=True)
        for key, d in dirs.items():
            check_snapshot_dir(d, expected()[key], key)
        print("python -> go: huggingface_hub %s cache, %d snapshots and %d files found by jretrieve download --offline"
              % (ver, len(dirs), sum(len(f) for f in expected().values())))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
