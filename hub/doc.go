// Package hub downloads model and dataset files from the Hugging Face Hub
// into the same cache that the Python huggingface_hub library uses, so
// that Go and Python tools share downloaded files.
//
// # Usage
//
//	c := hub.New(hub.FromEnv())
//	dir, err := c.Snapshot(ctx, hub.Model("cl-nagoya/ruri-v3-30m"),
//		[]string{"*.json", "onnx/*"})
//	path, err := c.Download(ctx, hub.Dataset("hotchpotch/JQaRA"),
//		"data/test-00000-of-00001.parquet")
//	files, err := c.List(ctx, hub.Dataset("hotchpotch/JaCWIR").At("refs/convert/parquet"))
//
// # Protocol
//
// A revision (branch, tag, commit or special ref such as
// refs/convert/parquet, percent-encoded with no safe characters) is
// resolved to a commit with GET /api/{type}s/{id}/revision/{rev} (field
// "sha"), or, for single files, with a HEAD on the resolve URL
// {endpoint}/[datasets/]{id}/resolve/{rev}/{file} (headers X-Repo-Commit,
// X-Linked-Etag or ETag, X-Linked-Size or Content-Length; the 302 to the
// CDN is not followed for HEAD). Files are listed with
// GET /api/{type}s/{id}/tree/{rev}?recursive=true&expand=false, following
// the Link rel="next" pagination. Bytes come from a GET on the resolve URL
// at the commit, following redirects (the token is only ever sent to the
// endpoint's host).
//
// Downloads go to blobs/<etag>.incomplete and resume with
// "Range: bytes=N-" after a dropped connection, a stalled one (no byte for
// Options.ReadTimeout) or a server error, up to Options.Retries times; a
// partial file left by an earlier run, also by Python, is resumed the same
// way. A server that ignores Range and answers 200 makes the download
// start over.
// The finished file is checked before it is renamed to blobs/<etag>: its
// size, and the sha256 of LFS/Xet files (the 64-hex ETag or lfs.oid) or the
// git blob sha1 of regular files (the 40-hex ETag or oid). A mismatch
// fails with ErrChecksum and leaves nothing in the cache. Concurrent
// downloads of one blob, also from Python, are serialized with the lock file
// .locks/<repo folder>/<etag>.lock.
//
// # Cache layout
//
// The layout is huggingface_hub's:
//
//	$HF_HUB_CACHE/models--org--name/
//	    blobs/<etag>                 file contents
//	    refs/<revision>              commit the revision resolved to
//	    snapshots/<commit>/<path>    relative symlink to ../../blobs/<etag>
//
// Datasets use datasets--org--name. Both directions are checked against
// huggingface_hub 2.4.0: a cache it wrote (with its trees/ listings,
// .no_exist/ markers and special refs) is read offline
// (testdata/hf-cache-python), and scripts/reference/hub_interop.py runs
// the two-way cross-check (hf_hub_download / snapshot_download with
// local_files_only=True and scan_cache_dir on a cache jretrieve filled). File names that would escape the
// cache (absolute, "..", empty elements, backslashes), whether requested
// by the caller or sent by the server in a listing, are rejected with
// ErrUnsafePath.
//
// # Environment
//
// FromEnv reads HF_ENDPOINT (default https://huggingface.co), HF_HOME
// (default $XDG_CACHE_HOME/huggingface or ~/.cache/huggingface),
// HF_HUB_CACHE (default $HF_HOME/hub), HF_TOKEN (then
// HUGGING_FACE_HUB_TOKEN, then the file HF_TOKEN_PATH, default
// $HF_HOME/token), HF_HUB_OFFLINE (or TRANSFORMERS_OFFLINE; 1/ON/YES/TRUE),
// HF_HUB_ETAG_TIMEOUT and HF_HUB_DOWNLOAD_TIMEOUT. Offline, revisions are resolved through refs/
// and files through snapshots/; anything missing fails with ErrNotCached.
// When the Hub cannot be reached at all, the cache is used the same way;
// what the cache cannot answer then fails with ErrUnreachable (an
// *UnreachableError naming the endpoint and the transport error), whose
// message says how to work offline (HF_HUB_OFFLINE, a local directory,
// HF_ENDPOINT).
//
// The package never prints; progress is reported through
// Options.Progress.
package hub
