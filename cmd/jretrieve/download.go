package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path"
	"strings"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/jretrieve/jretrieve/hub"
)

func init() {
	register(&command{
		name:    "download",
		summary: "download a model or dataset from the Hugging Face Hub into the shared cache",
		run:     runDownload,
	})
}

type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func runDownload(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("download", "[--revision R] [--type model|dataset] [--include PATTERN]... REPO [FILES...]", stderr)
	revision := fs.String("revision", "main", "branch, tag, commit or ref (e.g. refs/convert/parquet)")
	typ := fs.String("type", hub.TypeModel, "repository type: model, dataset or space")
	var include stringList
	fs.Var(&include, "include", "download only files matching this fnmatch `pattern` (repeatable; '*' crosses '/')")
	cacheDir := fs.String("cache-dir", "", "cache directory (default $HF_HUB_CACHE or $HF_HOME/hub)")
	offline := fs.Bool("offline", false, "resolve from the cache only (like HF_HUB_OFFLINE=1)")
	quiet := fs.Bool("quiet", false, "no progress bar")
	list := fs.Bool("list", false, "list the repository's files (path, size, sha256 of LFS files) instead of downloading")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() < 1 {
		fs.Usage()
		return fmt.Errorf("%w: missing REPO", errUsage)
	}
	repoID, files := fs.Arg(0), fs.Args()[1:]
	if *list && len(files) > 0 {
		return fmt.Errorf("%w: --list takes no FILES", errUsage)
	}
	if len(files) > 0 && len(include) > 0 {
		return fmt.Errorf("%w: give FILES or --include, not both", errUsage)
	}
	switch *typ {
	case hub.TypeModel, hub.TypeDataset, hub.TypeSpace:
	default:
		return fmt.Errorf("%w: --type %q: want model, dataset or space", errUsage, *typ)
	}

	opts := hub.FromEnv()
	if *cacheDir != "" {
		opts.CacheDir = *cacheDir
	}
	if *offline {
		opts.Offline = true
	}
	var bars *downloadBars
	if !*quiet && isTerminal(stderr) {
		bars = &downloadBars{w: stderr}
		opts.Progress = bars.report
	}
	c := hub.New(opts)
	repo := hub.Repo{ID: repoID, Type: *typ, Revision: *revision}

	if *list {
		return listRepo(ctx, c, repo, stdout)
	}
	if len(files) == 0 {
		dir, err := c.Snapshot(ctx, repo, include)
		bars.close()
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, dir)
		return nil
	}
	for _, f := range files {
		p, err := c.Download(ctx, repo, f)
		bars.close()
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, p)
	}
	return nil
}

// listRepo prints "path<TAB>size<TAB>sha256" lines (sha256 "-" for files
// not stored with LFS), sorted by path.
func listRepo(ctx context.Context, c *hub.Client, repo hub.Repo, w io.Writer) error {
	files, err := c.List(ctx, repo)
	if err != nil {
		return err
	}
	for _, f := range files {
		sum := "-"
		if f.LFS != nil {
			sum = f.LFS.OID
		}
		fmt.Fprintf(w, "%s\t%d\t%s\n", f.Path, f.Size, sum)
	}
	return nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// downloadBars shows one progress bar per file on a terminal.
type downloadBars struct {
	w    io.Writer
	file string
	bar  *progressbar.ProgressBar
}

func (d *downloadBars) report(p hub.Progress) {
	if d.bar == nil || d.file != p.File {
		d.close()
		d.file = p.File
		desc := path.Base(p.File)
		if p.Files > 1 {
			desc = fmt.Sprintf("[%d/%d] %s", p.Index, p.Files, desc)
		}
		d.bar = progressbar.NewOptions64(p.Total,
			progressbar.OptionSetWriter(d.w),
			progressbar.OptionSetDescription(desc),
			progressbar.OptionShowBytes(true),
			progressbar.OptionShowTotalBytes(true),
			progressbar.OptionSetWidth(20),
			progressbar.OptionThrottle(100_000_000),
			progressbar.OptionShowCount(),
			progressbar.OptionFullWidth(),
			progressbar.OptionSetPredictTime(true),
		)
	}
	if p.Total >= 0 && d.bar.GetMax64() != p.Total {
		d.bar.ChangeMax64(p.Total)
	}
	d.bar.Set64(p.Downloaded)
	if p.Done {
		d.close()
	}
}

func (d *downloadBars) close() {
	if d == nil || d.bar == nil {
		return
	}
	d.bar.Finish()
	fmt.Fprintln(d.w)
	d.bar = nil
	d.file = ""
}
