package hub

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
)

// TestUnreachableHub checks that a DNS failure or a refused connection is
// reported as an unreachable Hub with how to work offline, not as a raw
// transport error, by every entry point.
func TestUnreachableHub(t *testing.T) {
	dialErrs := map[string]error{
		"dns":     &net.DNSError{Err: "no such host", Name: "huggingface.co", IsNotFound: true},
		"refused": &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")},
	}
	for name, dialErr := range dialErrs {
		hc := &http.Client{Transport: &http.Transport{DialContext: func(context.Context, string, string) (net.Conn, error) {
			return nil, dialErr
		}}}
		c := New(Options{CacheDir: t.TempDir(), Endpoint: DefaultEndpoint, HTTPClient: hc, Retries: 1})
		repo := Repo{ID: "org/model"}
		pinned := Repo{ID: "org/model", Revision: "24899e5de370b56d179604a007c0d727bf144504"}
		ctx := context.Background()
		calls := map[string]func() error{
			"Resolve":  func() error { _, err := c.Resolve(ctx, repo); return err },
			"Download": func() error { _, err := c.Download(ctx, repo, "config.json"); return err },
			"Snapshot": func() error { _, err := c.Snapshot(ctx, repo, []string{"*.json"}); return err },
			// A pinned commit (as the catalog pins models) needs no
			// Resolve: the listing is what fails, and an empty cache
			// must not hide that behind "not in the local cache".
			"Snapshot@commit": func() error { _, err := c.Snapshot(ctx, pinned, []string{"*.json"}); return err },
			"List":            func() error { _, err := c.List(ctx, repo); return err },
			"List@commit":     func() error { _, err := c.List(ctx, pinned); return err },
		}
		for call, f := range calls {
			err := f()
			if !errors.Is(err, ErrUnreachable) {
				t.Errorf("%s %s: err %v, want ErrUnreachable", name, call, err)
				continue
			}
			msg := err.Error()
			for _, want := range []string{"Hugging Face Hub is unreachable at https://huggingface.co", "HF_HUB_OFFLINE=1", "local directory", "HF_ENDPOINT", dialErr.Error()} {
				if !strings.Contains(msg, want) {
					t.Errorf("%s %s: %q lacks %q", name, call, msg, want)
				}
			}
		}
	}
	// A cancelled caller is not an unreachable Hub.
	c := New(Options{CacheDir: t.TempDir(), Endpoint: DefaultEndpoint})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Resolve(ctx, Repo{ID: "org/model"}); errors.Is(err, ErrUnreachable) || !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}
