package hub

import (
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// DefaultEndpoint is the Hugging Face Hub used when HF_ENDPOINT is unset.
const DefaultEndpoint = "https://huggingface.co"

// Options configures a Client. The zero value is usable: New fills in the
// defaults that FromEnv would compute from an empty environment.
type Options struct {
	// Endpoint is the base URL of the Hub (HF_ENDPOINT), without a trailing
	// slash. Mirrors work by pointing it elsewhere.
	Endpoint string
	// CacheDir is the repository cache (HF_HUB_CACHE), laid out exactly as
	// huggingface_hub lays it out so that both share files.
	CacheDir string
	// Token is sent as "Authorization: Bearer <token>" to the endpoint.
	// Go's HTTP client drops it on redirects to another host (the CDN).
	Token string
	// Offline forbids all network access (HF_HUB_OFFLINE): files are resolved
	// from the cache only and missing files fail with ErrNotCached.
	Offline bool
	// HTTPClient performs requests; nil means a client with sane timeouts.
	HTTPClient *http.Client
	// MetadataTimeout bounds the metadata calls (revision resolution, HEAD,
	// listing pages); HF_HUB_ETAG_TIMEOUT, default 10 s.
	MetadataTimeout time.Duration
	// ReadTimeout aborts (and then resumes) a download that receives no
	// byte for this long; HF_HUB_DOWNLOAD_TIMEOUT, default 30 s.
	ReadTimeout time.Duration
	// Retries is how many times a failed transfer is resumed before giving
	// up (default 5). Negative disables retries.
	Retries int
	// RetryWait is the pause before the first retry; it doubles each time
	// (default 500 ms). Negative means no pause.
	RetryWait time.Duration
	// Progress, if set, receives transfer progress. It is called from the
	// goroutine that downloads and must return quickly.
	Progress func(Progress)
	// UserAgent is sent with every request (default "jretrieve-hub/1").
	UserAgent string
}

// Progress reports the transfer of one file.
type Progress struct {
	Repo Repo
	// File is the path of the file in the repository.
	File string
	// Index counts the files transferred by one call (1-based) out of
	// Files: Snapshot reports i of the n files it has to download.
	Index, Files int
	// Downloaded counts the bytes of the file present locally so far
	// (a resumed download starts above zero).
	Downloaded int64
	// Total is the expected size in bytes, or -1 when unknown.
	Total int64
	// Done is true on the last report of a file (success or failure).
	Done bool
}

// FromEnv returns Options configured from the environment variables that
// huggingface_hub reads: HF_ENDPOINT, HF_HOME, HF_HUB_CACHE (legacy
// HUGGINGFACE_HUB_CACHE), XDG_CACHE_HOME, HF_TOKEN (legacy
// HUGGING_FACE_HUB_TOKEN), HF_TOKEN_PATH (default $HF_HOME/token),
// HF_HUB_OFFLINE (or TRANSFORMERS_OFFLINE), HF_HUB_ETAG_TIMEOUT and
// HF_HUB_DOWNLOAD_TIMEOUT.
func FromEnv() Options {
	return optionsFromEnv(os.Getenv)
}

func optionsFromEnv(getenv func(string) string) Options {
	var o Options
	o.Endpoint = strings.TrimRight(getenv("HF_ENDPOINT"), "/")
	if o.Endpoint == "" {
		o.Endpoint = DefaultEndpoint
	}
	home := hfHome(getenv)
	o.CacheDir = expandPath(getenv("HF_HUB_CACHE"), getenv)
	if o.CacheDir == "" {
		o.CacheDir = expandPath(getenv("HUGGINGFACE_HUB_CACHE"), getenv)
	}
	if o.CacheDir == "" {
		o.CacheDir = filepath.Join(home, "hub")
	}
	o.Token = strings.TrimSpace(getenv("HF_TOKEN"))
	if o.Token == "" {
		o.Token = strings.TrimSpace(getenv("HUGGING_FACE_HUB_TOKEN"))
	}
	if o.Token == "" {
		tokenPath := expandPath(getenv("HF_TOKEN_PATH"), getenv)
		if tokenPath == "" {
			tokenPath = filepath.Join(home, "token")
		}
		if b, err := os.ReadFile(tokenPath); err == nil {
			o.Token = strings.TrimSpace(string(b))
		}
	}
	o.Offline = truthy(getenv("HF_HUB_OFFLINE")) || truthy(getenv("TRANSFORMERS_OFFLINE"))
	o.MetadataTimeout = seconds(getenv("HF_HUB_ETAG_TIMEOUT"))
	o.ReadTimeout = seconds(getenv("HF_HUB_DOWNLOAD_TIMEOUT"))
	return o
}

// seconds parses a positive number of seconds; anything else is 0.
func seconds(s string) time.Duration {
	if f, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err == nil && f > 0 {
		return time.Duration(f * float64(time.Second))
	}
	return 0
}

// hfHome returns $HF_HOME, else $XDG_CACHE_HOME/huggingface, else
// ~/.cache/huggingface.
func hfHome(getenv func(string) string) string {
	if h := expandPath(getenv("HF_HOME"), getenv); h != "" {
		return h
	}
	if x := expandPath(getenv("XDG_CACHE_HOME"), getenv); x != "" {
		return filepath.Join(x, "huggingface")
	}
	home := getenv("HOME")
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	return filepath.Join(home, ".cache", "huggingface")
}

// expandPath expands a leading "~" and $VARS, as Python's
// os.path.expanduser(os.path.expandvars(p)) does.
func expandPath(p string, getenv func(string) string) string {
	if p == "" {
		return ""
	}
	p = os.Expand(p, getenv)
	if p == "~" || strings.HasPrefix(p, "~/") {
		home := getenv("HOME")
		if home == "" {
			home, _ = os.UserHomeDir()
		}
		p = home + p[1:]
	}
	return p
}

// truthy mirrors huggingface_hub's _is_true: 1, ON, YES, TRUE (any case).
func truthy(s string) bool {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "1", "ON", "YES", "TRUE":
		return true
	}
	return false
}

func (o *Options) setDefaults() {
	o.Endpoint = strings.TrimRight(o.Endpoint, "/")
	if o.Endpoint == "" {
		o.Endpoint = DefaultEndpoint
	}
	if o.CacheDir == "" {
		o.CacheDir = filepath.Join(hfHome(os.Getenv), "hub")
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Transport: &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			TLSHandshakeTimeout:   20 * time.Second,
			ResponseHeaderTimeout: 60 * time.Second,
			IdleConnTimeout:       90 * time.Second,
			MaxIdleConnsPerHost:   4,
		}}
	}
	if o.MetadataTimeout <= 0 {
		o.MetadataTimeout = 10 * time.Second
	}
	if o.ReadTimeout <= 0 {
		o.ReadTimeout = 30 * time.Second
	}
	if o.Retries == 0 {
		o.Retries = 5
	} else if o.Retries < 0 {
		o.Retries = 0
	}
	if o.RetryWait == 0 {
		o.RetryWait = 500 * time.Millisecond
	} else if o.RetryWait < 0 {
		o.RetryWait = 0
	}
	if o.UserAgent == "" {
		o.UserAgent = "jretrieve-hub/1"
	}
}
