package datasets

import "context"

// Fetcher gives the local path of a file of a Hugging Face dataset
// repository, downloading and caching it as needed. repo is a dataset
// repository ID such as "hotchpotch/JQaRA"; file is a path inside it.
//
// The hub package's client satisfies it through a small adapter, e.g.
//
//	datasets.FetchFunc(func(ctx context.Context, repo, file string) (string, error) {
//		return client.Download(ctx, hub.Dataset(repo), file)
//	})
type Fetcher interface {
	Fetch(ctx context.Context, repo, file string) (string, error)
}

// FetchFunc adapts a function to Fetcher.
type FetchFunc func(ctx context.Context, repo, file string) (string, error)

// Fetch calls f.
func (f FetchFunc) Fetch(ctx context.Context, repo, file string) (string, error) {
	return f(ctx, repo, file)
}
